package env

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/deliveryenv"
)

// diffOptions are the flags of landfall env diff.
type diffOptions struct {
	target
	revision    string
	targetKube  cliutil.KubeFlags
	impersonate bool
	exitCode    bool
	output      *cliutil.OutputFlag
}

// diffResult is what diff found, for -o json|yaml.
type diffResult struct {
	// Environment is namespace/name.
	Environment string `json:"environment"`
	// Revision is the commit compared.
	Revision string `json:"revision"`
	// Gate is the gate's verdict on it (nil when the gate is off).
	Gate *landfallv1alpha1.GateVerdict `json:"gate,omitempty"`
	// Changes are what a sync would do, object by object.
	Changes []delivery.Change `json:"changes"`
}

func diffCommand() *cobra.Command {
	o := &diffOptions{output: cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)}
	cmd := &cobra.Command{
		Use:   "diff ENV",
		Short: "Show what a sync would change, object by object, before anything is applied",
		Long: `Show what a sync of an environment would change, object by object, without
changing anything: diff runs the delivery engine here, with your
credentials. It fetches the environment's source (with its credentials
Secret, which you must be allowed to read), renders it, runs the gate, and
asks the API server for a server-side dry-run apply of every object, then
prints the objects that would be created (+), updated (~, with a diff;
Secret values masked) or pruned (-).

The dry run uses your own credentials, or with --impersonate those of the
environment's ServiceAccount (you need the impersonate verb on it), which
shows exactly what the API server would refuse the environment. An
environment that targets a registered cluster needs --target-kubeconfig.`,
		Example: `  # What would a sync of prod change now?
  landfall env diff prod -n shop

  # What would rolling back to a revision change?
  landfall env diff prod -n shop --revision 3f2a9c1e

  # As the environment's ServiceAccount; exit 1 when something would change
  landfall env diff prod -n shop --impersonate --exit-code`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout(), args[0])
		},
	}
	cmd.Flags().StringVar(&o.revision, "revision", "", "compare this commit (a prefix from the history or a full SHA) instead of the source's head")
	cmd.Flags().StringVar(&o.targetKube.Kubeconfig, "target-kubeconfig", "", "kubeconfig of the environment's target cluster, when it is a registered cluster")
	cmd.Flags().StringVar(&o.targetKube.Context, "target-context", "", "kubeconfig context of the target cluster")
	cmd.Flags().BoolVar(&o.impersonate, "impersonate", false, "dry-run as the environment's ServiceAccount")
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit with 1 when a sync would change something")
	o.output.Bind(cmd)
	o.bindEnvArg(cmd)
	return cmd
}

func (o *diffOptions) run(ctx context.Context, out io.Writer, name string) error {
	c, env, err := o.get(ctx, name)
	if err != nil {
		return err
	}
	in, err := deliveryenv.Load(ctx, c, env, timeNow())
	if err != nil {
		return fmt.Errorf("environment %s/%s: %w", env.Namespace, env.Name, err)
	}
	src := in.Source
	if o.revision != "" {
		rev, err := deliveryenv.ResolveRevision(env, o.revision)
		if err != nil {
			return cliutil.UsageError(err)
		}
		src = deliveryenv.AtCommit(src, rev)
	}
	cfg, err := o.targetConfig(env)
	if err != nil {
		return err
	}

	cache, err := os.MkdirTemp("", "landfall-env-diff-")
	if err != nil {
		return fmt.Errorf("creating a temporary directory: %w", err)
	}
	defer os.RemoveAll(cache)
	// Local paths are fine here: it is the user's own disk.
	co, err := (&delivery.Fetcher{CacheDir: cache, AllowLocal: true}).Fetch(ctx, src)
	if err != nil {
		return fmt.Errorf("fetching %s: %w", src, err)
	}
	rendered, err := delivery.Render(ctx, co.Path, delivery.RenderOptions{Root: co.Dir, HelmNamespace: env.Namespace})
	_ = co.Close()
	if err != nil {
		return fmt.Errorf("rendering revision %s: %w", short(co.Revision), err)
	}
	mapper, err := restMapper(cfg)
	if err != nil {
		return err
	}
	deliveryenv.DefaultNamespace(rendered, mapper, env.GetDefaultNamespace())
	res := diffResult{Environment: env.Namespace + "/" + env.Name, Revision: co.Revision}
	var verdict *delivery.Verdict
	if !in.GateDisabled {
		if verdict, err = delivery.Gate(rendered, in.Gate); err != nil {
			return fmt.Errorf("running the gate: %w", err)
		}
		res.Gate = deliveryenv.VerdictToAPI(co.Revision, verdict)
	}
	applier, err := delivery.NewApplier(cfg, delivery.ApplierOptions{})
	if err != nil {
		return err
	}
	prev := deliveryenv.InventoryFromAPI(env.Status.Inventory)
	res.Changes, err = applier.Diff(ctx, delivery.Objects(rendered), prev, deliveryenv.ApplyOptions(env))
	if err != nil {
		return fmt.Errorf("dry-running revision %s: %w", short(co.Revision), err)
	}
	if o.output.String() != cliutil.OutputText {
		if err := cliutil.PrintStructured(out, o.output.String(), res); err != nil {
			return err
		}
	} else if err := printDiff(out, env, &res, verdict); err != nil {
		return err
	}
	if o.exitCode && changed(res.Changes) {
		return cliutil.Silent(cliutil.ExitFailure)
	}
	return nil
}

// targetConfig is the configuration the dry run uses: the user's, or the
// target cluster's flags, impersonating the ServiceAccount on request.
func (o *diffOptions) targetConfig(env *landfallv1alpha1.Environment) (*rest.Config, error) {
	if o.impersonate && o.kube.As != "" {
		return nil, cliutil.UsageError(fmt.Errorf("--impersonate and --as both say whom to dry-run as: give one"))
	}
	kube := &o.kube
	if o.targetKube.Kubeconfig != "" || o.targetKube.Context != "" {
		// The target cluster's credentials; --as applies there too.
		target := o.targetKube
		target.As, target.AsGroups, target.AsUID = o.kube.As, o.kube.AsGroups, o.kube.AsUID
		kube = &target
	} else if ref := env.Spec.Target.ClusterRef; ref != nil {
		return nil, cliutil.UsageError(fmt.Errorf("environment %s applies to cluster %s: give its --target-kubeconfig", env.Name, ref.Name))
	}
	cfg, err := kube.Config()
	if err != nil {
		return nil, err
	}
	if o.impersonate {
		sa := env.Spec.ServiceAccountName
		if sa == "" {
			sa = landfallv1alpha1.DefaultTenantServiceAccount
		}
		cfg = deliveryenv.Impersonate(cfg, env.Namespace, sa)
	}
	return cfg, nil
}

// restMapper tells namespaced kinds from cluster-scoped ones on the
// target cluster.
func restMapper(cfg *rest.Config) (meta.RESTMapper, error) {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating HTTP client: %w", err)
	}
	m, err := apiutil.NewDynamicRESTMapper(cfg, hc)
	if err != nil {
		return nil, fmt.Errorf("discovering the API: %w", err)
	}
	return m, nil
}

// changed reports whether a sync would change anything.
func changed(cs []delivery.Change) bool {
	for _, c := range cs {
		if c.Action != delivery.ActionUnchanged && c.Action != delivery.ActionSkip {
			return true
		}
	}
	return false
}

// printDiff writes the changes, then a summary line.
func printDiff(out io.Writer, env *landfallv1alpha1.Environment, res *diffResult, v *delivery.Verdict) error {
	var b strings.Builder
	counts := map[delivery.Action]int{}
	for _, c := range res.Changes {
		counts[c.Action]++
		switch c.Action {
		case delivery.ActionCreate:
			fmt.Fprintf(&b, "+ %s (create)\n", c.Object)
		case delivery.ActionUpdate:
			fmt.Fprintf(&b, "~ %s (update)\n", c.Object)
			for _, l := range strings.Split(strings.TrimRight(c.Diff, "\n"), "\n") {
				if l != "" {
					fmt.Fprintf(&b, "    %s\n", l)
				}
			}
		case delivery.ActionDelete:
			fmt.Fprintf(&b, "- %s (prune)\n", c.Object)
		case delivery.ActionFail:
			fmt.Fprintf(&b, "! %s (would fail): %s\n", c.Object, c.Error)
		}
	}
	if v != nil && v.Blocked {
		fmt.Fprintf(&b, "%s\nA sync would apply nothing: the cluster stays at %s.\n", deliveryenv.BlockedMessage(res.Revision, v), short(env.Status.LastAppliedRevision))
	}
	fmt.Fprintf(&b, "Revision %s against %s: %d to create, %d to update, %d to prune, %d unchanged",
		short(res.Revision), env.Name, counts[delivery.ActionCreate], counts[delivery.ActionUpdate], counts[delivery.ActionDelete], counts[delivery.ActionUnchanged])
	if n := counts[delivery.ActionFail]; n > 0 {
		fmt.Fprintf(&b, ", %d would fail", n)
	}
	b.WriteString(".\n")
	_, err := io.WriteString(out, b.String())
	if err == nil && counts[delivery.ActionFail] > 0 {
		return errors.New("the dry run refused some objects")
	}
	return err
}
