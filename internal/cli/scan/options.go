package scan

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/report"
)

// failOnNone turns --fail-on off.
const failOnNone = "none"

// options are the flags of `landfall scan`.
type options struct {
	output                 *cliutil.OutputFlag
	outFile                string
	failOn                 string
	allowEmpty             bool
	config                 string
	noAnnotationExceptions bool
	values                 []string
	set                    []string
	checks                 []string
	excludeChecks          []string

	// Live-cluster scan (--cluster).
	cluster       bool
	kube          cliutil.KubeFlags
	namespace     string
	allNamespaces bool
	selector      string

	// Fleet scan (--fleet): every Ready Cluster of the registry.
	fleet bool
}

func newOptions() *options {
	formats := make([]string, 0, len(report.Formats()))
	for _, f := range report.Formats() {
		formats = append(formats, string(f))
	}
	return &options{
		output: cliutil.NewOutputFlag(string(report.FormatTable), formats...),
		failOn: failOnNone,
	}
}

// BindFlags registers the flags but -o, which Command binds with its shell
// completion.
func (o *options) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.outFile, "out", "", "write the report to `FILE` instead of standard output")
	fs.StringVar(&o.failOn, "fail-on", o.failOn, "exit 1 when findings of this `severity` or higher remain: low|medium|high|critical|none")
	fs.BoolVar(&o.allowEmpty, "allow-empty", false, "succeed when no Kubernetes objects are found (otherwise exit 2)")
	fs.StringVar(&o.config, "config", "", "exceptions config `FILE` (YAML)")
	fs.BoolVar(&o.noAnnotationExceptions, "no-annotation-exceptions", false, "ignore landfall.dev/ignore annotations on the scanned objects")
	fs.StringArrayVar(&o.values, "values", nil, "Helm values `FILE` for charts (repeatable)")
	fs.StringArrayVar(&o.set, "set", nil, "Helm value `KEY=VALUE` for charts (repeatable)")
	fs.StringSliceVar(&o.checks, "checks", nil, "run only these check `IDs` (comma-separated, globs allowed)")
	fs.StringSliceVar(&o.excludeChecks, "exclude-checks", nil, "skip these check `IDs` (comma-separated, globs allowed)")
	fs.BoolVar(&o.cluster, "cluster", false, "scan the live cluster of the kubeconfig instead of manifests (LIST calls only)")
	fs.BoolVar(&o.fleet, "fleet", false, "scan every Ready cluster of the fleet registry (the cluster of --kubeconfig/--context), one column per cluster")
	o.kube.Bind(fs)
	fs.StringVarP(&o.namespace, "namespace", "n", "", "with --cluster or --fleet: scan only this `namespace` (cluster-scoped kinds are skipped)")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "with --cluster or --fleet: scan every namespace and the cluster-scoped kinds (the default)")
	fs.StringVarP(&o.selector, "selector", "l", "", "label `selector`: with --cluster for every LIST (cross-object checks see only the selected objects); with --fleet for the Cluster objects to scan (env=prod)")
}

// bindCompletions registers shell completion for the flags of cmd.
func bindCompletions(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("fail-on", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"low", "medium", "high", "critical", failOnNone}, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	_ = cmd.MarkFlagFilename("values", "yaml", "yml")
}

// failThreshold returns the --fail-on severity, 0 for none.
func (o *options) failThreshold() (posture.Severity, error) {
	if o.failOn == failOnNone || o.failOn == "" {
		return 0, nil
	}
	s, err := posture.ParseSeverity(o.failOn)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w", err)
	}
	return s, nil
}

// selectChecks applies --checks and --exclude-checks. A pattern that
// matches no check is an error, so that a typo cannot silently turn a
// check off or leave nothing to run.
func (o *options) selectChecks(reg *posture.Registry) (*posture.Registry, error) {
	all := reg.All()
	for _, flag := range []struct {
		name     string
		patterns []string
	}{{"--checks", o.checks}, {"--exclude-checks", o.excludeChecks}} {
		for _, p := range flag.patterns {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("%s: bad pattern %q", flag.name, p)
			}
			if !slices.ContainsFunc(all, func(c posture.Check) bool { return matches([]string{p}, c.ID) }) {
				return nil, fmt.Errorf("%s: %q matches no check", flag.name, p)
			}
		}
	}
	sel := reg.Select(func(c posture.Check) bool {
		return (len(o.checks) == 0 || matches(o.checks, c.ID)) && !matches(o.excludeChecks, c.ID)
	})
	if sel.Len() == 0 {
		return nil, fmt.Errorf("--checks %s --exclude-checks %s: no check left to run",
			strings.Join(o.checks, ","), strings.Join(o.excludeChecks, ","))
	}
	return sel, nil
}

// matches reports whether id matches one of the path.Match patterns.
func matches(patterns []string, id string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, id); ok {
			return true
		}
	}
	return false
}
