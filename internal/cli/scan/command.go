package scan

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/exception"
	"github.com/landfall-dev/landfall/internal/posture/report"
	"github.com/landfall-dev/landfall/internal/version"
)

// Command returns the `landfall scan` command.
func Command() *cobra.Command {
	return newCommand(deps{registry: checks.Registry, now: time.Now, version: func() string { return version.Get().Landfall }})
}

// deps are what the command takes from outside, replaced in tests so that
// they do not depend on the built-in checks' wording or on the clock.
type deps struct {
	registry func() (*posture.Registry, error)
	now      func() time.Time
	version  func() string
	// pageSize is the LIST page size of --cluster; 0 is the default.
	pageSize int64
}

func newCommand(d deps) *cobra.Command {
	o := newOptions()
	cmd := &cobra.Command{
		Use:   "scan [PATH...|-] | --cluster | --fleet",
		Short: "Scan Kubernetes manifests for the weaknesses of the Threat Matrix",
		Long: `Scan Kubernetes manifests for the weaknesses an attacker would use, keyed on
the techniques of the Threat Matrix for Kubernetes.

PATH is a file, a directory (walked for .yaml, .yml and .json files; a Helm
chart or kustomization directory is rendered first) or "-" for standard
input. Without PATH the current directory is scanned.

Exit codes: 0 when no finding at or above --fail-on remains, 1 when one
does, 2 on usage or input errors (broken YAML, unreadable or binary files,
no Kubernetes objects without --allow-empty). Broken files are reported
with file and line and the other files are still scanned.

Objects opt out of checks with the annotations landfall.dev/ignore
("<check-id>,<check-id>") and landfall.dev/ignore-reason, on the object or
its pod template. --config names a YAML file of exceptions per check and
resource, each with a reason and an optional expiry.

--cluster scans the live cluster of the kubeconfig (--kubeconfig,
--context) instead of PATHs, all namespaces unless -n is given, with
paginated LIST calls and the caller's own credentials. Findings point at
kind/namespace/name. Kinds the identity may not list are reported as "not
assessed: forbidden" and the report says how complete it is; checks that
need such a kind to judge are reported as not assessed rather than passed.

--fleet runs that live scan on every Ready Cluster of the fleet registry
(the cluster of --kubeconfig/--context; -l selects Clusters by label), a few
at a time, and prints one report with a column per cluster (-o table or
json). A kubeConfig Secret is read with the caller's credentials and never
printed; inCluster means the registry cluster itself. Clusters that are not
Ready are listed as skipped; a cluster that cannot be scanned is reported
in its column and exits 2 after the others are scanned; --fail-on applies
to the findings of every cluster.`,
		Example: `  # Scan the manifests under ./deploy and print findings grouped by tactic
  landfall scan ./deploy

  # The Threat Matrix heat map
  landfall scan -o matrix ./deploy

  # CI: fail on high or critical findings, upload SARIF to code scanning
  landfall scan --fail-on high -o sarif --out landfall.sarif .

  # A rendered chart from standard input, with exceptions from a file
  helm template my-chart | landfall scan --config landfall.yaml -

  # A self-contained HTML report
  landfall scan -o html --out report.html ./deploy

  # The live cluster of the current context, all namespaces; JSON with a
  # completeness section naming what the identity could not list
  landfall scan --cluster -o json

  # One namespace of another context, selected objects only
  landfall scan --cluster --context prod -n shop -l app=web

  # Every Ready cluster of the fleet registry, one column per cluster
  landfall scan --fleet --context registry

  # The production clusters only; fail on high findings in any of them
  landfall scan --fleet -l landfall.dev/environment=prod --fail-on high -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validateTarget(args, func(name string) bool { return cmd.Flags().Changed(name) }); err != nil {
				return cliutil.UsageError(err)
			}
			return o.run(cmd.Context(), d, streams{in: cmd.InOrStdin(), out: cmd.OutOrStdout(), err: cmd.ErrOrStderr()}, args)
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	o.output.Bind(cmd)
	o.BindFlags(cmd.Flags())
	bindCompletions(cmd)
	return cmd
}

// streams are the command's standard input and output.
type streams struct {
	in  io.Reader
	out io.Writer
	// err gets the progress line when it is a terminal; may be nil.
	err io.Writer
}

// run scans the paths and writes the report.
func (o *options) run(ctx context.Context, d deps, std streams, paths []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	failOn, err := o.failThreshold()
	if err != nil {
		return cliutil.UsageError(err)
	}
	builtin, err := d.registry()
	if err != nil {
		return fmt.Errorf("loading checks: %w", err)
	}
	reg, err := o.selectChecks(builtin)
	if err != nil {
		return cliutil.UsageError(err)
	}
	cfg, err := o.loadConfig(builtin)
	if err != nil {
		return cliutil.UsageError(err)
	}
	if o.cluster {
		return o.runCluster(ctx, d, std, reg, cfg, failOn)
	}
	if o.fleet {
		return o.runFleet(ctx, d, std, reg, cfg, failOn)
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	root, err := scanRoot(paths)
	if err != nil {
		return cliutil.UsageError(err)
	}

	matcher := exception.NewMatcher(cfg, exception.Options{Now: d.now(), NoAnnotations: o.noAnnotationExceptions})
	scan := posture.NewScan(reg, posture.RunOptions{})
	var objects atomic.Int64
	prog := startProgress(std.err, &objects)
	loaded := loadObjects(ctx, paths, loadOptions{Root: root, Stdin: std.in, Values: o.values, Set: o.set}, func(obj *posture.Object) {
		objects.Add(1)
		matcher.Observe(obj)
		scan.Add(obj)
	})

	findings := scan.Finish()
	prog.stop()

	r := &report.Report{
		Root:       root,
		Version:    d.version(),
		Objects:    int(objects.Load()),
		Files:      loaded.Files,
		LoadErrors: loaded.Errors,
		Notes:      loaded.Notes,
	}
	for _, c := range reg.All() {
		r.Checks = append(r.Checks, report.CheckInfoOf(c))
	}
	r.Findings = findings[:0] // filtered in place: findings can be many
	for _, f := range findings {
		if by, ok := matcher.Match(&f); ok {
			r.Suppressed = append(r.Suppressed, report.Suppressed{Finding: f, By: by})
			continue
		}
		r.Findings = append(r.Findings, f)
	}
	r.Exceptions = matcher.Outcomes()
	if o.noAnnotationExceptions {
		r.Notes = append(r.Notes, "annotation exceptions ignored (--no-annotation-exceptions)")
	}

	if err := o.write(std.out, r); err != nil {
		return err
	}
	return exitStatus(r, failOn, o.allowEmpty, paths)
}

// loadConfig reads --config and checks its check IDs against the built-in
// checks (not only the selected ones, so that --checks does not turn a
// config error into a pass).
func (o *options) loadConfig(builtin *posture.Registry) (*exception.Config, error) {
	if o.config == "" {
		return nil, nil
	}
	cfg, err := exception.Load(o.config)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, builtin.Len())
	for _, c := range builtin.All() {
		ids = append(ids, c.ID)
	}
	if err := cfg.Validate(ids); err != nil {
		return nil, err
	}
	return cfg, nil
}

// scanRoot returns the absolute directory that file paths in the report
// are relative to: the one directory scanned, or the working directory.
func scanRoot(paths []string) (string, error) {
	root := "."
	if len(paths) == 1 && paths[0] != "-" {
		if fi, err := os.Stat(paths[0]); err == nil && fi.IsDir() {
			root = paths[0]
		}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("resolving scan root: %w", err)
	}
	return abs, nil
}

// write renders the report to --out or stdout, in colour only on a
// terminal (and never with NO_COLOR set).
func (o *options) write(stdout io.Writer, r *report.Report) error {
	format := report.Format(o.output.String())
	if o.outFile == "" {
		bw := bufio.NewWriter(stdout)
		if err := report.Write(bw, format, r, report.Options{Color: isTerminal(stdout)}); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.Create(o.outFile)
	if err != nil {
		return fmt.Errorf("creating report file: %w", err)
	}
	bw := bufio.NewWriter(f)
	err = report.Write(bw, format, r, report.Options{})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing report file: %w", cerr)
	}
	return err
}

// isTerminal reports whether w is a terminal that should get colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// exitStatus decides the exit code once the report is written: input
// errors (2) first, then findings at or above failOn (1).
func exitStatus(r *report.Report, failOn posture.Severity, allowEmpty bool, paths []string) error {
	if n := len(r.LoadErrors); n > 0 {
		lines := make([]string, 0, n)
		for _, e := range r.LoadErrors {
			lines = append(lines, "  "+e.String())
		}
		return cliutil.UsageError(fmt.Errorf("%s could not be loaded:\n%s", plural(n, "input"), strings.Join(lines, "\n")))
	}
	if r.Objects == 0 && !allowEmpty {
		return cliutil.UsageError(fmt.Errorf("no Kubernetes objects found in %s (use --allow-empty to accept an empty scan)", strings.Join(paths, " ")))
	}
	if failOn > 0 {
		if n := r.AtOrAbove(failOn); n > 0 {
			return &cliutil.ExitError{Code: cliutil.ExitFailure, Err: fmt.Errorf("%s at or above %s", plural(n, "finding"), failOn)}
		}
	}
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
