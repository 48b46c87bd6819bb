package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// Output formats of landfall plan.
const (
	outputTable    = "table"
	outputJSON     = "json"
	outputMarkdown = "markdown"
)

// options are the flags of landfall plan.
type options struct {
	output     *cliutil.OutputFlag
	example    bool
	emit       string
	topology   string
	force      bool
	check      bool
	kubeconfig string
	context    string
}

// BindFlags registers the flags other than -o.
func (o *options) BindFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.example, "example", false, "print an annotated example profile and exit")
	fs.StringVar(&o.emit, "emit", "", "write the Cluster and Environment objects and the Git layout of the plan into this directory")
	fs.StringVar(&o.topology, "topology", "", "topology to emit or check against instead of the recommendation (shared|per-environment|per-application|dedicated)")
	fs.BoolVar(&o.force, "force", false, "with --emit, overwrite existing files")
	fs.BoolVar(&o.check, "check", false, "compare the registered fleet (Cluster objects) with the plan and report each deviation")
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "with --check, kubeconfig of the cluster the fleet is registered in (default $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&o.context, "context", "", "with --check, kubeconfig context to use")
}

// deps are replaced in tests.
type deps struct {
	// registry returns a client to the cluster holding the fleet registry.
	registry func(kubeconfig, context string) (client.Reader, error)
	// color says whether w gets ANSI colours.
	color func(w io.Writer) bool
}

// Command returns the `landfall plan` command.
func Command() *cobra.Command {
	return newCommand(deps{registry: registryClient, color: isColorTerminal})
}

func newCommand(d deps) *cobra.Command {
	o := &options{output: cliutil.NewOutputFlag(outputTable, outputTable, outputJSON, outputMarkdown)}
	cmd := &cobra.Command{
		Use:   "plan PROFILE",
		Short: "Advise on cluster topology for an organisation and check the fleet against it",
		Long: `Rate four cluster topologies (one shared cluster, per-environment and
per-application multi-zone clusters, small dedicated clusters) on cost,
management, elasticity and security for the organisation described in
PROFILE (YAML, "-" for standard input; see --example), rank them by the
profile's weights and recommend one. Every score comes with the factors that
drove it; the model is documented in 'go doc ./internal/fleet'.

--emit DIR writes what the recommended (or --topology) layout needs: Cluster
objects, Environment objects and an environments/<env>/ Git layout with a
README, ready to commit.

--check compares the Cluster objects registered in the cluster of
--kubeconfig with the plan and reports each deviation (production sharing a
cluster with dev, a single-zone production cluster...). Exit code 1 when
there is any.`,
		Example: `  # An annotated profile to start from
  landfall plan --example > profile.yaml

  # The table, ranking and recommendation
  landfall plan examples/plan/typical.yaml

  # As Markdown for a design document, or JSON with every factor
  landfall plan examples/plan/typical.yaml -o markdown
  landfall plan examples/plan/typical.yaml -o json

  # Write the fleet the recommendation leads to
  landfall plan examples/plan/typical.yaml --emit ./fleet

  # Does the registered fleet follow the plan?
  landfall plan examples/plan/typical.yaml --check --kubeconfig ~/.kube/hub`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), d, cmd.InOrStdin(), cmd.OutOrStdout(), args)
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	o.output.Bind(cmd)
	o.BindFlags(cmd.Flags())
	_ = cmd.MarkFlagDirname("emit")
	_ = cmd.RegisterFlagCompletionFunc("topology", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ts []string
		for _, t := range fleet.Topologies {
			ts = append(ts, string(t))
		}
		return ts, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func (o *options) run(ctx context.Context, d deps, stdin io.Reader, out io.Writer, args []string) error {
	if o.example {
		_, err := out.Write(fleet.ExampleProfile())
		return err
	}
	if len(args) != 1 {
		return cliutil.UsageError(errors.New("a PROFILE is required (see --example)"))
	}
	profile, err := readProfile(args[0], stdin)
	if err != nil {
		return cliutil.UsageError(err)
	}
	plan, err := fleet.NewPlan(profile)
	if err != nil {
		return cliutil.UsageError(err)
	}
	topology := plan.Recommendation
	if o.topology != "" {
		topology = fleet.Topology(o.topology)
		if plan.Result(topology) == nil {
			return cliutil.UsageError(fmt.Errorf("--topology: unknown topology %q", o.topology))
		}
	}

	switch {
	case o.emit != "":
		files, err := fleet.Emit(profile, plan, topology)
		if err != nil {
			return err
		}
		if err := writeFiles(o.emit, files, o.force); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %d files for %s (%d clusters) to %s\n", len(files), topology.Title(), len(plan.Result(topology).Clusters), o.emit)
		return nil
	case o.check:
		return o.runCheck(ctx, d, out, profile, plan, topology)
	}
	return render(out, o.output.String(), plan, d.color(out))
}

func (o *options) runCheck(ctx context.Context, d deps, out io.Writer, p *fleet.Profile, plan *fleet.Plan, t fleet.Topology) error {
	reader, err := d.registry(o.kubeconfig, o.context)
	if err != nil {
		return err
	}
	var list landfallv1alpha1.ClusterList
	if err := reader.List(ctx, &list); err != nil {
		return fmt.Errorf("listing registered clusters: %w", err)
	}
	devs := fleet.CheckDrift(p, plan, t, list.Items)
	if err := renderDrift(out, o.output.String(), t, len(list.Items), devs); err != nil {
		return err
	}
	if len(devs) > 0 {
		return cliutil.Silent(cliutil.ExitFailure)
	}
	return nil
}

func readProfile(name string, stdin io.Reader) (*fleet.Profile, error) {
	if name == "-" {
		return fleet.DecodeProfile(stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("opening profile: %w", err)
	}
	defer f.Close()
	p, err := fleet.DecodeProfile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// writeFiles writes the emitted files under dir, refusing to overwrite
// unless force.
func writeFiles(dir string, files []fleet.File, force bool) error {
	if !force {
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path))); err == nil {
				return cliutil.UsageError(fmt.Errorf("%s exists (use --force to overwrite)", filepath.Join(dir, filepath.FromSlash(f.Path))))
			}
		}
	}
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return fmt.Errorf("creating directory: %w", err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
	}
	return nil
}

// registryClient reads Cluster objects from the cluster of the kubeconfig.
func registryClient(kubeconfig, context string) (client.Reader, error) {
	cfg, err := fleet.ClientConfig(kubeconfig, context)
	if err != nil {
		return nil, err
	}
	s := runtime.NewScheme()
	if err := landfallv1alpha1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("building scheme: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: s})
	if err != nil {
		return nil, fmt.Errorf("creating client: %w", err)
	}
	return c, nil
}

// isColorTerminal reports whether w is a terminal that takes colours
// (NO_COLOR unset, TERM not dumb).
func isColorTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
