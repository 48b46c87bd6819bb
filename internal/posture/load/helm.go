package load

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"

	"github.com/landfall-dev/landfall/internal/posture"
)

// renderHelm renders the chart in dir with the Helm SDK, offline (no
// lookup calls to a cluster) and with Helm's default capabilities, and
// parses each rendered template. Objects carry the template's path under
// the chart directory as Source.File and line 0: rendered lines do not map
// to template lines.
func renderHelm(dir, display string, opts HelmOptions, fn func(*posture.Object) error) ([]Note, []error) {
	fail := func(err error) ([]Note, []error) {
		return nil, []error{&Error{File: display, Err: err}}
	}
	chrt, err := loader.Load(dir)
	if err != nil {
		return fail(fmt.Errorf("loading Helm chart: %w", err))
	}
	if err := checkDependencies(chrt); err != nil {
		return fail(err)
	}
	vals, err := helmValues(opts)
	if err != nil {
		return fail(err)
	}
	if err := chartutil.ProcessDependenciesWithMerge(chrt, vals); err != nil {
		return fail(fmt.Errorf("processing chart dependencies: %w", err))
	}
	release := chartutil.ReleaseOptions{
		Name:      cmp.Or(opts.ReleaseName, "release"),
		Namespace: cmp.Or(opts.Namespace, "default"),
		Revision:  1,
		IsInstall: true,
	}
	renderVals, err := chartutil.ToRenderValues(chrt, vals, release, chartutil.DefaultCapabilities)
	if err != nil {
		return fail(fmt.Errorf("preparing chart values: %w", err))
	}
	out, err := engine.Render(chrt, renderVals)
	if err != nil {
		return fail(fmt.Errorf("rendering Helm chart: %w", err))
	}
	var notes []Note
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(out)) {
		if path.Base(name) == "NOTES.txt" || strings.TrimSpace(out[name]) == "" {
			continue
		}
		// name is "<chart>/templates/x.yaml"; map it onto the directory.
		_, rest, _ := strings.Cut(name, "/")
		file := path.Join(display, rest)
		n, e := Parse(file, []byte(out[name]), func(o *posture.Object) error {
			o.Source.Line = 0
			return fn(o)
		})
		notes, errs = append(notes, n...), append(errs, e...)
	}
	return notes, errs
}

// helmValues merges the values files in order, then applies the --set
// overrides, as helm install does.
func helmValues(opts HelmOptions) (map[string]any, error) {
	vals := map[string]any{}
	for _, f := range opts.ValuesFiles {
		v, err := chartutil.ReadValuesFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading values file %s: %w", f, err)
		}
		vals = mergeValues(vals, v)
	}
	for _, s := range opts.Set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return nil, fmt.Errorf("parsing --set %q: %w", redactSet(s), err)
		}
	}
	return vals, nil
}

// redactSet keeps the key of a key=value override and drops the value,
// which may be a secret.
func redactSet(s string) string {
	if k, _, ok := strings.Cut(s, "="); ok {
		return k + "=…"
	}
	return s
}

// mergeValues merges b over a, recursing into maps present in both.
func mergeValues(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeValues(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// checkDependencies fails when a dependency listed in Chart.yaml is not
// in the chart's charts/ directory, as helm install does: without the
// check such a chart renders without the dependency's objects, silently.
func checkDependencies(chrt *chart.Chart) error {
	var missing []string
	for _, dep := range chrt.Metadata.Dependencies {
		if !slices.ContainsFunc(chrt.Dependencies(), func(c *chart.Chart) bool { return c.Name() == dep.Name }) {
			missing = append(missing, dep.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("chart dependencies listed in Chart.yaml but missing from charts/: %s (run helm dependency build and commit charts/)", strings.Join(missing, ", "))
	}
	return nil
}
