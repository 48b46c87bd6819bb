package scan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
	"github.com/landfall-dev/landfall/internal/posture/live"
	"github.com/landfall-dev/landfall/internal/posture/report"
)

// validateTarget rejects flag combinations that mix the manifest and the
// live-cluster scan.
func (o *options) validateTarget(paths []string, changed func(string) bool) error {
	if !o.cluster && !o.fleet {
		for _, f := range []string{"kubeconfig", "context", "as", "as-group", "as-uid", "namespace", "all-namespaces", "selector"} {
			if changed(f) {
				return fmt.Errorf("--%s needs --cluster or --fleet", f)
			}
		}
		return nil
	}
	target, what := "--cluster", "the live cluster"
	if o.fleet {
		target, what = "--fleet", "the fleet's clusters"
	}
	switch {
	case o.cluster && o.fleet:
		return errors.New("--cluster and --fleet are mutually exclusive")
	case len(paths) > 0:
		return fmt.Errorf("%s scans %s and takes no PATH arguments (got %s)", target, what, strings.Join(paths, " "))
	case o.namespace != "" && o.allNamespaces:
		return errors.New("--namespace and --all-namespaces are mutually exclusive")
	case len(o.values) > 0 || len(o.set) > 0:
		return fmt.Errorf("--values and --set apply to Helm charts, not to %s", target)
	case o.fleet && !slices.Contains(fleetFormats, report.Format(o.output.String())):
		return fmt.Errorf("--fleet writes -o table or json, not %s", o.output.String())
	}
	if o.selector != "" {
		if _, err := labels.Parse(o.selector); err != nil {
			return fmt.Errorf("--selector: %w", err)
		}
	}
	return nil
}

// runCluster scans the live cluster and writes the report; it shares the
// checks, exceptions, formats and exit codes of the manifest scan.
func (o *options) runCluster(ctx context.Context, d deps, std streams, reg *posture.Registry, cfg *exception.Config, failOn posture.Severity) error {
	restCfg, err := o.kube.Config()
	if err != nil {
		return fmt.Errorf("connecting to the cluster: %w", err)
	}
	reg, notes := o.liveChecks(reg)
	var objects atomic.Int64
	prog := startProgress(std.err, &objects)
	r, err := o.scanLive(ctx, d, restCfg, clusterName(o.kube.Kubeconfig, o.kube.Context, restCfg.Host), o.selector, reg, cfg, &objects)
	prog.stop()
	if err != nil {
		return fmt.Errorf("scanning the cluster: %w", err)
	}
	r.Notes = append(notes, r.Notes...)
	if err := o.write(std.out, r); err != nil {
		return err
	}
	// Seeing nothing must not pass a CI gate: like an empty manifest scan
	// it exits 2 unless --allow-empty, after the report says why.
	if c := r.Completeness; c.Assessed == 0 && c.Needed > 0 && !o.allowEmpty {
		return cliutil.UsageError(fmt.Errorf("no object kind could be listed (0 of %d assessed; use --allow-empty to accept)", c.Needed))
	}
	return exitStatus(r, failOn, true, nil)
}

// liveChecks leaves the manifest-only checks out of a live scan unless
// --checks names the checks, and says so in a note.
func (o *options) liveChecks(reg *posture.Registry) (*posture.Registry, []string) {
	if o.checks != nil {
		return reg, nil
	}
	return live.WithoutManifestOnly(reg), []string{"manifest-only checks not run on a live cluster: " + strings.Join(live.ManifestOnlyChecks(), ", ")}
}

// scanLive scans one live cluster, named name in the report, and applies
// the exceptions; objects counts the objects read, for the progress line.
func (o *options) scanLive(ctx context.Context, d deps, restCfg *rest.Config, name, selector string, reg *posture.Registry, cfg *exception.Config, objects *atomic.Int64) (*report.Report, error) {
	matcher := exception.NewMatcher(cfg, exception.Options{Now: d.now(), NoAnnotations: o.noAnnotationExceptions})
	opts := live.Options{
		Namespace:   o.namespace,
		Selector:    selector,
		Cluster:     name,
		PageSize:    d.pageSize,
		Concurrency: live.DefaultConcurrency,
		OnObject: func(obj *posture.Object) {
			objects.Add(1)
			matcher.Observe(obj)
		},
	}
	analysis := live.NewRBACAnalysis(&opts)
	res, err := live.Scan(ctx, restCfg, reg, opts)
	if err != nil {
		return nil, err
	}
	rbacFindings, rbacNote := analysis.Findings(res, opts)

	r := &report.Report{
		Version:      d.version(),
		Objects:      res.Objects,
		Completeness: completenessOf(&res.Completeness),
	}
	for _, c := range reg.All() {
		r.Checks = append(r.Checks, report.CheckInfoOf(c))
	}
	if rbacFindings != nil {
		for _, c := range live.RBACChecks() {
			r.Checks = append(r.Checks, report.CheckInfoOf(c))
		}
	}
	for _, f := range posture.SortFindings(append(res.Findings, rbacFindings...)) {
		if by, ok := matcher.Match(&f); ok {
			r.Suppressed = append(r.Suppressed, report.Suppressed{Finding: f, By: by})
			continue
		}
		r.Findings = append(r.Findings, f)
	}
	r.Exceptions = matcher.Outcomes()
	if n := res.DefaultFindings; n > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%s on the API server's unchanged default RBAC objects (kubernetes.io/bootstrapping=rbac-defaults) not shown", plural(n, "finding")))
	}
	if rbacNote != "" {
		r.Notes = append(r.Notes, rbacNote)
	}
	if o.noAnnotationExceptions {
		r.Notes = append(r.Notes, "annotation exceptions ignored (--no-annotation-exceptions)")
	}
	return r, nil
}

// clusterName names the cluster in reports: the kubeconfig context, or
// the server URL when the context cannot be read.
func clusterName(kubeconfig, context, host string) string {
	if context != "" {
		return context
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	raw, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).RawConfig()
	if err == nil && raw.CurrentContext != "" {
		return raw.CurrentContext
	}
	return host
}

// completenessOf converts the live scan's completeness for the report.
func completenessOf(c *live.Completeness) *report.Completeness {
	out := &report.Completeness{
		Cluster: c.Cluster, Namespace: c.Namespace, Percent: c.Percent(),
		Needed: c.Needed, Assessed: c.Assessed, Skipped: c.Skipped(),
	}
	for _, k := range c.Kinds {
		out.Kinds = append(out.Kinds, kindStatus(k))
	}
	for _, k := range c.NotAssessed() {
		out.NotAssessed = append(out.NotAssessed, kindStatus(k))
	}
	for _, ch := range c.ChecksNotAssessed {
		out.ChecksNotAssessed = append(out.ChecksNotAssessed, report.CheckNotAssessed{ID: ch.ID, Reason: ch.Reason})
	}
	return out
}

func kindStatus(k live.KindStatus) report.KindStatus {
	status := k.Reason()
	if k.State == live.StateAssessed {
		status = string(live.StateAssessed)
	}
	return report.KindStatus{Kind: k.Kind, Resource: k.Resource, Listed: k.Listed, Status: status}
}
