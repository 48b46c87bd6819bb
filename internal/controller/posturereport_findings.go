package controller

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/live"
	"github.com/landfall-dev/landfall/internal/posture/report"
)

// postureHashAnnotation holds a hash of what a PostureFindings object was
// last applied with, so unchanged namespaces are not written again.
const postureHashAnnotation = "landfall.dev/posture-hash"

// defaultPostureRegistry returns every built-in check that makes sense on
// a live cluster, as `landfall scan --cluster` runs them.
func defaultPostureRegistry() (*posture.Registry, error) {
	reg, err := checks.Registry()
	if err != nil {
		return nil, err
	}
	return live.WithoutManifestOnly(reg), nil
}

// secretChecks returns reg without the checks that read Secrets, and
// those checks as not assessed, unless readSecrets is set.
func secretChecks(reg *posture.Registry, readSecrets bool) (*posture.Registry, []live.CheckStatus) {
	if readSecrets {
		return reg, nil
	}
	var skipped []live.CheckStatus
	kept := reg.Select(func(c posture.Check) bool {
		if !readsSecrets(c) {
			return true
		}
		skipped = append(skipped, live.CheckStatus{ID: c.ID, Reason: "reads Secrets, which the manager lists only with spec.readSecrets"})
		return false
	})
	return kept, skipped
}

// readsSecrets reports whether a check runs on or looks up Secrets.
func readsSecrets(c posture.Check) bool {
	if slices.Contains(c.Kinds, "Secret") {
		return true
	}
	for _, l := range c.Lookups {
		if slices.Contains(l.Kinds, "Secret") {
			return true
		}
	}
	return false
}

// postureScan is what one scan found, ready to be written: the report's
// summary and a PostureFindings object per namespace with findings.
type postureScan struct {
	objects      int
	suppressed   int
	defaults     int
	summary      report.Summary
	completeness live.Completeness
	// namespaces are the PostureFindings to apply, by namespace.
	namespaces map[string]*landfallv1alpha1.PostureFindings
	// cluster are the findings on cluster-scoped objects, capped.
	cluster        []landfallv1alpha1.PostureFinding
	clusterOmitted int
	// kept are the findings counted, by namespace ("" for cluster-scoped
	// objects), and objectsIn the objects read per namespace: what drop
	// takes out.
	kept      map[string][]posture.Finding
	objectsIn map[string]int
}

// findingNamespace is the namespace whose PostureFindings holds f: the
// object's, or the Namespace's own name; "" for cluster-scoped objects.
func findingNamespace(f *posture.Finding) string {
	if f.Object.Namespace == "" && f.Object.Kind == "Namespace" {
		return f.Object.Name
	}
	return f.Object.Namespace
}

// newPostureScan sorts the findings kept (no exception suppressed them)
// into namespaces and the cluster, and counts them. objectsPerNamespace
// counts the objects read per namespace ("" for cluster-scoped ones).
func newPostureScan(obj *landfallv1alpha1.PostureReport, res *live.Result, kept []posture.Finding, suppressed int, objectsPerNamespace map[string]int) *postureScan {
	s := &postureScan{
		objects: res.Objects, suppressed: suppressed, defaults: res.DefaultFindings,
		summary: report.Summarize(kept), completeness: res.Completeness,
		namespaces: map[string]*landfallv1alpha1.PostureFindings{},
		kept:       map[string][]posture.Finding{}, objectsIn: objectsPerNamespace,
	}
	groups := s.kept
	for i := range kept {
		ns := findingNamespace(&kept[i])
		groups[ns] = append(groups[ns], kept[i])
	}
	minSev, err := posture.ParseSeverity(obj.GetMinSeverity())
	if err != nil {
		minSev = posture.SeverityLow // the CRD's enum allows no other value
	}
	limit := obj.GetMaxFindings()
	for ns, fs := range groups {
		listed, omitted := capFindings(fs, minSev, limit)
		if ns == "" {
			s.cluster, s.clusterOmitted = listed, omitted
			continue
		}
		sum := report.Summarize(fs)
		objects := objectsPerNamespace[ns]
		s.namespaces[ns] = &landfallv1alpha1.PostureFindings{
			TypeMeta: metav1.TypeMeta{APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.PostureFindingsKind},
			ObjectMeta: metav1.ObjectMeta{
				Namespace: ns, Name: landfallv1alpha1.PostureFindingsName,
				Labels: map[string]string{landfallv1alpha1.LabelPostureReport: obj.Name},
				OwnerReferences: []metav1.OwnerReference{{
					APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.PostureReportKind,
					Name: obj.Name, UID: obj.UID, Controller: ptr.To(true),
				}},
			},
			Report: obj.Name,
			Summary: landfallv1alpha1.PostureFindingsSummary{
				Score:                 clamp32(report.Score(sum.BySeverity, objects)),
				Objects:               clamp32(objects),
				Findings:              clamp32(sum.Findings),
				PostureSeverityCounts: severityCounts(sum.BySeverity),
				Omitted:               clamp32(omitted),
			},
			Findings: listed,
		}
	}
	return s
}

// drop leaves namespaces out of the scan: their findings, their objects
// and their PostureFindings, and recounts the summary. The reconciler
// drops the namespaces being deleted, and those it could not write the
// PostureFindings of, so that the report counts exactly the findings of
// the PostureFindings it wrote and of status.clusterFindings.
func (s *postureScan) drop(names ...string) {
	dropped := false
	for _, ns := range names {
		if ns == "" {
			continue
		}
		if _, ok := s.kept[ns]; ok {
			delete(s.kept, ns)
			delete(s.namespaces, ns)
			dropped = true
		}
		if n, ok := s.objectsIn[ns]; ok {
			s.objects -= n
			delete(s.objectsIn, ns)
		}
	}
	if !dropped {
		return
	}
	var all []posture.Finding
	for _, ns := range slices.Sorted(maps.Keys(s.kept)) {
		all = append(all, s.kept[ns]...)
	}
	s.summary = report.Summarize(all)
}

// capFindings returns the findings at or above minSev, highest severity
// first (stable, so in posture.SortFindings order within a severity), at
// most limit, and how many were left out.
func capFindings(fs []posture.Finding, minSev posture.Severity, limit int) ([]landfallv1alpha1.PostureFinding, int) {
	var keep []*posture.Finding
	for i := range fs {
		if fs[i].Severity >= minSev {
			keep = append(keep, &fs[i])
		}
	}
	slices.SortStableFunc(keep, func(a, b *posture.Finding) int { return int(b.Severity) - int(a.Severity) })
	keep = keep[:min(len(keep), limit)]
	out := make([]landfallv1alpha1.PostureFinding, 0, len(keep))
	for _, f := range keep {
		out = append(out, postureFinding(f))
	}
	return out, len(fs) - len(out)
}

// postureFinding converts a finding for the API, cutting long messages.
func postureFinding(f *posture.Finding) landfallv1alpha1.PostureFinding {
	return landfallv1alpha1.PostureFinding{
		ID: f.ID, Check: f.CheckID, Severity: f.Severity.String(), Techniques: slices.Clone(f.Techniques),
		Object: landfallv1alpha1.PostureObjectReference{
			APIVersion: f.Object.APIVersion, Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name,
		},
		Path: f.Path, Message: cutMessage(f.Message),
	}
}

// cutMessage cuts a message to MaxPostureMessageLength bytes at a rune
// boundary, ending in "…".
func cutMessage(msg string) string {
	if len(msg) <= landfallv1alpha1.MaxPostureMessageLength {
		return msg
	}
	const ellipsis = "…"
	cut := landfallv1alpha1.MaxPostureMessageLength - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + ellipsis
}

// setStatus writes the summary of a successful scan into status.
func (s *postureScan) setStatus(st *landfallv1alpha1.PostureReportStatus, now metav1.Time, duration time.Duration) {
	st.LastScanTime = &now
	st.ScanDuration = &metav1.Duration{Duration: duration.Round(time.Millisecond)}
	st.Objects = clamp32(s.objects)
	st.Score = ptr.To(clamp32(report.Score(s.summary.BySeverity, s.objects)))
	st.Findings = clamp32(s.summary.Findings)
	st.Severities = severityCounts(s.summary.BySeverity)
	st.Tactics = nil
	for _, t := range s.summary.Tactics {
		st.Tactics = append(st.Tactics, landfallv1alpha1.PostureTacticCount{
			ID: t.ID, Name: t.Name, Findings: clamp32(t.Findings), PostureSeverityCounts: severityCounts(t.BySeverity),
		})
	}
	st.Suppressed = clamp32(s.suppressed)
	st.DefaultFindings = clamp32(s.defaults)
	st.Namespaces = clamp32(len(s.namespaces))
	c := &s.completeness
	st.Completeness = landfallv1alpha1.PostureCompleteness{
		Percent: clamp32(c.Percent()), KindsNeeded: clamp32(c.Needed), KindsAssessed: clamp32(c.Assessed),
	}
	for _, k := range c.NotAssessed() {
		st.Completeness.NotAssessed = append(st.Completeness.NotAssessed, landfallv1alpha1.PostureKindStatus{Kind: k.Kind, Reason: k.Reason()})
	}
	for _, ch := range c.ChecksNotAssessed {
		st.Completeness.ChecksNotAssessed = append(st.Completeness.ChecksNotAssessed, landfallv1alpha1.PostureCheckStatus{ID: ch.ID, Reason: ch.Reason})
	}
	st.ClusterFindings = s.cluster
	st.ClusterFindingsOmitted = clamp32(s.clusterOmitted)
}

// writeFindings applies the PostureFindings of every namespace with
// findings whose content changed since it was last applied, and deletes
// those of the report in namespaces that are now clean. A namespace that
// is gone or terminating is skipped and returned, for the caller to drop.
func (r *PostureReportReconciler) writeFindings(ctx context.Context, obj *landfallv1alpha1.PostureReport, byNamespace map[string]*landfallv1alpha1.PostureFindings) (skipped []string, _ error) {
	log := ctrl.LoggerFrom(ctx)
	existing := &metav1.PartialObjectMetadataList{}
	existing.SetGroupVersionKind(landfallv1alpha1.GroupVersion.WithKind(landfallv1alpha1.PostureFindingsKind + "List"))
	if err := r.APIReader.List(ctx, existing, client.MatchingLabels{landfallv1alpha1.LabelPostureReport: obj.Name}); err != nil {
		return nil, fmt.Errorf("listing posture findings: %w", err)
	}
	applied := map[string]string{}
	for _, m := range existing.Items {
		if m.Name == landfallv1alpha1.PostureFindingsName {
			applied[m.Namespace] = m.Annotations[postureHashAnnotation]
		}
	}

	var errs []error
	written := 0
	for _, ns := range slices.Sorted(maps.Keys(byNamespace)) {
		pf := byNamespace[ns]
		hash, err := findingsHash(pf)
		if err != nil {
			return nil, err
		}
		if h, ok := applied[ns]; ok && h == hash {
			continue
		}
		pf.Annotations = map[string]string{postureHashAnnotation: hash}
		if err := applyTyped(ctx, r.Client, pf); err != nil {
			if apierrors.IsNotFound(err) || apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
				skipped = append(skipped, ns)
				continue
			}
			errs = append(errs, fmt.Errorf("applying posture findings in %s: %w", ns, err))
			continue
		}
		written++
	}
	deleted := 0
	for ns := range applied {
		if _, ok := byNamespace[ns]; ok {
			continue
		}
		pf := &landfallv1alpha1.PostureFindings{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: landfallv1alpha1.PostureFindingsName}}
		if err := r.Delete(ctx, pf); client.IgnoreNotFound(err) != nil {
			errs = append(errs, fmt.Errorf("deleting posture findings in %s: %w", ns, err))
			continue
		}
		deleted++
	}
	log.V(1).Info("posture findings written", "namespaces", len(byNamespace), "applied", written, "deleted", deleted, "skipped", len(skipped))
	return skipped, errors.Join(errs...)
}

// findingsHash hashes what a PostureFindings object is applied with.
func findingsHash(pf *landfallv1alpha1.PostureFindings) (string, error) {
	data, err := json.Marshal(struct {
		Owners   []metav1.OwnerReference
		Labels   map[string]string
		Report   string
		Summary  landfallv1alpha1.PostureFindingsSummary
		Findings []landfallv1alpha1.PostureFinding
	}{pf.OwnerReferences, pf.Labels, pf.Report, pf.Summary, pf.Findings})
	if err != nil {
		return "", fmt.Errorf("hashing posture findings: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16]), nil
}

// severityCounts converts counts per severity for the API.
func severityCounts(n map[posture.Severity]int) landfallv1alpha1.PostureSeverityCounts {
	return landfallv1alpha1.PostureSeverityCounts{
		Critical: clamp32(n[posture.SeverityCritical]), High: clamp32(n[posture.SeverityHigh]),
		Medium: clamp32(n[posture.SeverityMedium]), Low: clamp32(n[posture.SeverityLow]),
	}
}

// clamp32 converts a count for the API, capped at MaxInt32.
func clamp32(n int) int32 {
	return int32(min(max(n, 0), math.MaxInt32))
}

// objectCounter counts the objects a scan reads per namespace and notes
// the namespaces being deleted; live.Scan calls add from several
// goroutines.
type objectCounter struct {
	mu          sync.Mutex
	n           map[string]int
	terminating []string
}

func newObjectCounter() *objectCounter { return &objectCounter{n: map[string]int{}} }

// add counts o in its namespace, a Namespace in itself.
func (c *objectCounter) add(o *posture.Object) {
	ns := o.U.GetNamespace()
	isNamespace := ns == "" && o.U.GetKind() == "Namespace"
	if isNamespace {
		ns = o.U.GetName()
	}
	c.mu.Lock()
	c.n[ns]++
	if isNamespace && o.U.GetDeletionTimestamp() != nil {
		c.terminating = append(c.terminating, ns)
	}
	c.mu.Unlock()
}

// terminatingNamespaces returns the namespaces read with a deletion
// timestamp.
func (c *objectCounter) terminatingNamespaces() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.terminating)
}

func (c *objectCounter) counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}
