package scan

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/fleet"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
	"github.com/landfall-dev/landfall/internal/posture/report"
)

// fleetFormats are the -o formats of --fleet: the per-cluster formats
// (SARIF, JUnit, HTML, matrix) have no place for several clusters.
var fleetFormats = []report.Format{report.FormatTable, report.FormatJSON}

// fleetConcurrency bounds how many clusters are scanned at once; each
// scan already lists several kinds in parallel.
const fleetConcurrency = 3

// fleetRequestTimeout bounds each API request of a fleet scan whose
// configuration sets no timeout, so that a black-holed cluster fails its
// column instead of holding up the report.
const fleetRequestTimeout = time.Minute

// fleetSchemaVersion identifies the JSON document of --fleet.
const fleetSchemaVersion = "landfall.dev/fleet-scan-report/v1alpha1"

// Column states of a fleet report.
const (
	fleetScanned = "scanned"
	fleetSkipped = "skipped"
	fleetError   = "error"
)

// fleetColumn is one registered cluster of a fleet scan.
type fleetColumn struct {
	name  string
	ready bool
	// reason says why a cluster that is not Ready was skipped.
	reason string
	// err is why a Ready cluster could not be scanned (or saw nothing).
	err error
	// report is the cluster's scan; nil when skipped or failed early.
	report *report.Report
}

func (c *fleetColumn) state() string {
	switch {
	case !c.ready:
		return fleetSkipped
	case c.err != nil:
		return fleetError
	default:
		return fleetScanned
	}
}

// status is the column's outcome in words: "scanned", "skipped: not Ready
// (reason)" or "error: ...".
func (c *fleetColumn) status() string {
	switch c.state() {
	case fleetSkipped:
		return "skipped: not Ready (" + c.reason + ")"
	case fleetError:
		return "error: " + c.err.Error()
	default:
		return fleetScanned
	}
}

// runFleet scans every Ready Cluster of the registry and writes one
// report with a column per cluster.
func (o *options) runFleet(ctx context.Context, d deps, std streams, reg *posture.Registry, cfg *exception.Config, failOn posture.Severity) error {
	c, registryCfg, err := o.kube.Clients()
	if err != nil {
		return fmt.Errorf("connecting to the fleet registry: %w", err)
	}
	var opts []client.ListOption
	if o.selector != "" {
		sel, err := labels.Parse(o.selector)
		if err != nil {
			return cliutil.UsageError(fmt.Errorf("--selector: %w", err))
		}
		opts = append(opts, client.MatchingLabelsSelector{Selector: sel})
	}
	var list landfallv1alpha1.ClusterList
	if err := c.List(ctx, &list, opts...); err != nil {
		return fmt.Errorf("listing the fleet's clusters: %w", err)
	}
	slices.SortFunc(list.Items, func(a, b landfallv1alpha1.Cluster) int { return cmp.Compare(a.Name, b.Name) })

	reg, notes := o.liveChecks(reg)
	columns := make([]*fleetColumn, len(list.Items))
	var (
		objects atomic.Int64
		wg      sync.WaitGroup
		sem     = make(chan struct{}, fleetConcurrency)
	)
	prog := startProgress(std.err, &objects)
	for i := range list.Items {
		obj := &list.Items[i]
		col := &fleetColumn{name: obj.Name}
		columns[i] = col
		ready := meta.FindStatusCondition(obj.Status.Conditions, landfallv1alpha1.ReadyCondition)
		switch {
		case ready == nil:
			col.reason = "no Ready condition yet"
			continue
		case ready.Status != "True":
			col.reason = cmp.Or(ready.Reason, string(ready.Status))
			continue
		}
		col.ready = true
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			col.report, col.err = o.scanFleetCluster(ctx, d, c, registryCfg, obj, reg, cfg, &objects)
		})
	}
	wg.Wait()
	prog.stop()

	if err := o.writeFleet(std.out, columns, reg, notes); err != nil {
		return err
	}
	return fleetExitStatus(columns, failOn, o.allowEmpty)
}

// scanFleetCluster scans one Ready cluster of the fleet.
func (o *options) scanFleetCluster(ctx context.Context, d deps, c client.Client, registryCfg *rest.Config, obj *landfallv1alpha1.Cluster, reg *posture.Registry, cfg *exception.Config, objects *atomic.Int64) (*report.Report, error) {
	restCfg, err := clusterRESTConfig(ctx, c, registryCfg, obj)
	if err != nil {
		return nil, err
	}
	// The objects are the cluster's own: no object selector (-l selects
	// Clusters with --fleet).
	r, err := o.scanLive(ctx, d, restCfg, obj.Name, "", reg, cfg, objects)
	if err != nil {
		return nil, fmt.Errorf("scanning: %w", err)
	}
	if cp := r.Completeness; cp.Assessed == 0 && cp.Needed > 0 && !o.allowEmpty {
		return r, fmt.Errorf("no object kind could be listed (0 of %d assessed)", cp.Needed)
	}
	return r, nil
}

// clusterRESTConfig resolves how to reach a registered cluster, as the
// Cluster reconciler does but with the caller's credentials: the
// registry's own configuration for inCluster, or the kubeconfig of the
// referenced Secret, loaded with fleet.RESTConfigFromKubeconfig (which
// refuses plugins and file references and never quotes the credentials).
func clusterRESTConfig(ctx context.Context, c client.Client, registryCfg *rest.Config, obj *landfallv1alpha1.Cluster) (*rest.Config, error) {
	ref := obj.Spec.KubeConfig
	var cfg *rest.Config
	switch {
	case obj.Spec.InCluster && ref == nil:
		cfg = rest.CopyConfig(registryCfg)
	case obj.Spec.InCluster == (ref != nil):
		return nil, errors.New("invalid spec: set exactly one of kubeConfig and inCluster")
	default:
		var secret corev1.Secret
		key := client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}
		if err := c.Get(ctx, key, &secret); err != nil {
			if apierrors.IsNotFound(err) {
				return nil, fmt.Errorf("kubeconfig secret %s not found", key)
			}
			return nil, fmt.Errorf("reading kubeconfig secret %s: %w", key, err)
		}
		data, ok := secret.Data[ref.GetKey()]
		if !ok {
			return nil, fmt.Errorf("kubeconfig secret %s has no key %q", key, ref.GetKey())
		}
		var err error
		if cfg, err = fleet.RESTConfigFromKubeconfig(data); err != nil {
			return nil, fmt.Errorf("kubeconfig secret %s key %q: %w", key, ref.GetKey(), err)
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = fleetRequestTimeout
	}
	return cfg, nil
}

// fleetExitStatus decides the exit code once the report is written: 2
// when a Ready cluster could not be scanned or none was, then 1 for
// findings at or above failOn on any cluster.
func fleetExitStatus(columns []*fleetColumn, failOn posture.Severity, allowEmpty bool) error {
	var failed []string
	scanned, above := 0, 0
	for _, c := range columns {
		switch c.state() {
		case fleetError:
			failed = append(failed, c.name)
		case fleetScanned:
			scanned++
			if failOn > 0 {
				above += c.report.AtOrAbove(failOn)
			}
		}
	}
	switch {
	case len(failed) > 0:
		return cliutil.UsageError(fmt.Errorf("%d of %s could not be scanned: %s", len(failed), plural(len(columns), "cluster"), strings.Join(failed, ", ")))
	case scanned == 0 && !allowEmpty:
		return cliutil.UsageError(fmt.Errorf("no Ready cluster to scan (%s registered and selected; use --allow-empty to accept)", plural(len(columns), "cluster")))
	case above > 0:
		return &cliutil.ExitError{Code: cliutil.ExitFailure, Err: fmt.Errorf("%s at or above %s across the fleet", plural(above, "finding"), failOn)}
	}
	return nil
}

// writeFleet renders the fleet report to --out or stdout.
func (o *options) writeFleet(stdout io.Writer, columns []*fleetColumn, reg *posture.Registry, notes []string) error {
	render := writeFleetTable
	if report.Format(o.output.String()) == report.FormatJSON {
		render = writeFleetJSON
	}
	if o.outFile == "" {
		bw := bufio.NewWriter(stdout)
		if err := render(bw, columns, reg, notes); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.Create(o.outFile)
	if err != nil {
		return fmt.Errorf("creating report file: %w", err)
	}
	bw := bufio.NewWriter(f)
	err = render(bw, columns, reg, notes)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing report file: %w", cerr)
	}
	return err
}

// writeFleetTable writes a row per check with findings on some cluster
// (ID, severity, techniques) and a column per cluster with the number of
// findings, then the totals, the completeness and each cluster's status.
func writeFleetTable(w io.Writer, columns []*fleetColumn, reg *posture.Registry, notes []string) error {
	counts := make([]map[string]int, len(columns))
	for i, c := range columns {
		counts[i] = map[string]int{}
		if c.report == nil {
			continue
		}
		for _, f := range c.report.Findings {
			counts[i][f.CheckID]++
		}
	}
	var rows []posture.Check
	for _, ch := range reg.All() {
		if slices.ContainsFunc(counts, func(m map[string]int) bool { return m[ch.ID] > 0 }) {
			rows = append(rows, ch)
		}
	}
	slices.SortStableFunc(rows, func(a, b posture.Check) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.ID, b.ID))
	})

	scanned := 0
	for _, c := range columns {
		if c.state() == fleetScanned {
			scanned++
		}
	}
	fmt.Fprintf(w, "Fleet scan: %s registered, %d scanned, %d skipped, %d failed.\n\n",
		plural(len(columns), "cluster"), scanned, countState(columns, fleetSkipped), countState(columns, fleetError))

	// Right-aligned counts, no padding: the separating blanks are
	// written by hand so that the first column does not start indented.
	tw := tabwriter.NewWriter(w, 0, 4, 0, ' ', tabwriter.AlignRight)
	cell := func(i int, v string) string {
		if columns[i].report == nil {
			return "-"
		}
		return v
	}
	header := []string{"CHECK", "SEVERITY", "TECHNIQUES"}
	for _, c := range columns {
		header = append(header, c.name)
	}
	// tabwriter aligns every cell right; the three text columns are
	// padded left by hand so that they read naturally.
	textWidth := [3]int{len("CHECK"), len("SEVERITY"), len("TECHNIQUES")}
	for _, r := range rows {
		for j, v := range []string{r.ID, r.Severity.String(), strings.Join(r.Techniques, ",")} {
			textWidth[j] = max(textWidth[j], len(v))
		}
	}
	line := func(text [3]string, cells []string) {
		var b strings.Builder
		for j, v := range text {
			b.WriteString(v + strings.Repeat(" ", textWidth[j]-len(v)))
			if j < len(text)-1 {
				b.WriteString("  ")
			}
		}
		b.WriteString("\t")
		for _, v := range cells {
			b.WriteString("  " + v + "\t")
		}
		fmt.Fprintln(tw, b.String())
	}
	line([3]string(header[:3]), header[3:])
	for _, r := range rows {
		cells := make([]string, len(columns))
		for i := range columns {
			cells[i] = cell(i, strconv.Itoa(counts[i][r.ID]))
		}
		line([3]string{r.ID, r.Severity.String(), strings.Join(r.Techniques, ",")}, cells)
	}
	total := make([]string, len(columns))
	complete := make([]string, len(columns))
	for i, c := range columns {
		n := 0
		if c.report != nil {
			n = len(c.report.Findings)
		}
		total[i] = cell(i, strconv.Itoa(n))
		switch {
		case c.report != nil && c.err == nil:
			complete[i] = strconv.Itoa(c.report.Completeness.Percent) + "%"
		default:
			complete[i] = c.state()
		}
	}
	line([3]string{"TOTAL"}, total)
	line([3]string{"COMPLETENESS"}, complete)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "\nNo findings on any scanned cluster.")
	} else if other := reg.Len() - len(rows); other > 0 {
		fmt.Fprintf(w, "\n%s found nothing on any scanned cluster.\n", plural(other, "other check"))
	}

	fmt.Fprintln(w, "\nClusters:")
	for _, c := range columns {
		s := c.status()
		if c.state() == fleetScanned {
			cp := c.report.Completeness
			s = fmt.Sprintf("scanned: %s, %d%% complete (%d of %d object kinds assessed)", plural(c.report.Objects, "object"), cp.Percent, cp.Assessed, cp.Needed)
			for _, k := range cp.NotAssessed {
				s += fmt.Sprintf("; %s: %s", k.Kind, k.Status)
			}
		}
		fmt.Fprintf(w, "  %s: %s\n", c.name, s)
	}
	all := slices.Clone(notes)
	for _, c := range columns {
		if c.report != nil {
			for _, n := range c.report.Notes {
				all = append(all, c.name+": "+n)
			}
		}
	}
	if len(all) > 0 {
		fmt.Fprintln(w, "\nNotes:")
		for _, n := range all {
			fmt.Fprintln(w, "  "+n)
		}
	}
	return nil
}

func countState(columns []*fleetColumn, state string) int {
	n := 0
	for _, c := range columns {
		if c.state() == state {
			n++
		}
	}
	return n
}

// fleetJSONSummary sums up a fleet scan.
type fleetJSONSummary struct {
	Clusters   int            `json:"clusters"`
	Scanned    int            `json:"scanned"`
	Skipped    int            `json:"skipped"`
	Failed     int            `json:"failed"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"bySeverity"`
}

// fleetJSON is the document of --fleet -o json.
type fleetJSON struct {
	SchemaVersion string                       `json:"schemaVersion"`
	Summary       fleetJSONSummary             `json:"summary"`
	Checks        json.RawMessage              `json:"checks"`
	Notes         []string                     `json:"notes"`
	Clusters      []map[string]json.RawMessage `json:"clusters"`
}

// writeFleetJSON writes one JSON document: the fleet's summary and, per
// cluster, its name, readiness, status and the single-cluster report's
// summary, findings, suppressed findings, exceptions, notes and
// completeness (schema landfall.dev/scan-report/v1alpha1, less the fields
// of manifest scans).
func writeFleetJSON(w io.Writer, columns []*fleetColumn, reg *posture.Registry, notes []string) error {
	doc := fleetJSON{
		SchemaVersion: fleetSchemaVersion,
		Summary: fleetJSONSummary{
			Clusters: len(columns), BySeverity: map[string]int{},
			Skipped: countState(columns, fleetSkipped), Failed: countState(columns, fleetError),
		},
		Notes:    nonNilStrings(notes),
		Clusters: []map[string]json.RawMessage{},
	}
	for _, s := range report.Severities() {
		doc.Summary.BySeverity[s.String()] = 0
	}
	checks := make([]report.CheckInfo, 0, reg.Len())
	for _, c := range reg.All() {
		checks = append(checks, report.CheckInfoOf(c))
	}
	var err error
	if doc.Checks, err = checksJSON(checks); err != nil {
		return err
	}
	for _, c := range columns {
		entry := map[string]json.RawMessage{}
		if c.report != nil {
			var buf bytes.Buffer
			if err := report.Write(&buf, report.FormatJSON, c.report, report.Options{}); err != nil {
				return fmt.Errorf("cluster %s: %w", c.name, err)
			}
			if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
				return fmt.Errorf("cluster %s: re-reading its report: %w", c.name, err)
			}
			for _, k := range []string{"schemaVersion", "root", "files", "loadErrors", "checks"} {
				delete(entry, k)
			}
			if c.err == nil {
				doc.Summary.Scanned++
				doc.Summary.Findings += len(c.report.Findings)
				for s, n := range c.report.CountBySeverity() {
					doc.Summary.BySeverity[s.String()] += n
				}
			}
		}
		set := func(k string, v any) {
			entry[k], _ = json.Marshal(v)
		}
		set("name", c.name)
		set("ready", c.ready)
		set("status", c.state())
		switch c.state() {
		case fleetSkipped:
			set("reason", c.status())
		case fleetError:
			set("error", c.err.Error())
		}
		doc.Clusters = append(doc.Clusters, entry)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing json report: %w", err)
	}
	return nil
}

// checksJSON encodes the checks as the single-cluster report does.
func checksJSON(checks []report.CheckInfo) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := report.Write(&buf, report.FormatJSON, &report.Report{Checks: checks}, report.Options{}); err != nil {
		return nil, err
	}
	var doc struct {
		Checks json.RawMessage `json:"checks"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		return nil, fmt.Errorf("re-reading the checks: %w", err)
	}
	return doc.Checks, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
