package promote

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// options are the flags of landfall promote.
type options struct {
	kube     cliutil.KubeFlags
	ns       cliutil.NamespaceFlag
	from, to string
	revision string
	name     string
	copyDir  bool
	wait     bool
	timeout  time.Duration
	output   *cliutil.OutputFlag
}

// Command returns `landfall promote` with approve, reject and list.
func Command() *cobra.Command {
	o := &options{output: cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)}
	cmd := &cobra.Command{
		Use:   "promote APP --from ENV --to ENV",
		Short: "Promote an application from one environment to the next by a Git commit",
		Long: `Promote an application from one environment to the next: this creates a
Promotion, and the manager writes one Git commit into the target
environment's path (by default setting the image tags of the target's copy
of APP to the source's; with --copy replacing the directory), which the
target environment then syncs. APP is the application's directory under
each environment's path.

The manager refuses while the source environment is not Ready at the
revision (by default the one it applied last) or its gate blocked it. When
the target environment requires approval (spec.promotion.requireApproval),
the Promotion waits until someone allowed to approve promotions runs
'landfall promote approve NAME'.`,
		Example: `  # Promote web from staging to prod, at the revision staging applied
  landfall promote web --from staging --to prod -n shop

  # A given revision, and wait until the commit is written
  landfall promote web --from dev --to staging -n shop --revision 3f2a9c1e... --wait

  # Approve (needs the verb approve on promotions.landfall.dev)
  landfall promote approve web-prod-x7k2p -n shop`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout(), args[0])
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	fs := cmd.Flags()
	fs.StringVar(&o.from, "from", "", "source environment")
	fs.StringVar(&o.to, "to", "", "target environment")
	fs.StringVar(&o.revision, "revision", "", "full commit SHA to promote (default: the source's applied revision)")
	fs.StringVar(&o.name, "name", "", "name of the Promotion (default: APP-TO- and a random suffix)")
	fs.BoolVar(&o.copyDir, "copy", false, "copy the application's directory instead of setting image tags")
	fs.BoolVar(&o.wait, "wait", false, "wait until the promotion succeeds or fails")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long --wait waits")
	o.output.Bind(cmd)
	o.kube.Bind(fs)
	o.ns.Bind(fs)
	cmd.AddCommand(approveCommand(true), approveCommand(false), listCommand())
	return cmd
}

func (o *options) run(ctx context.Context, out io.Writer, app string) error {
	if o.from == "" || o.to == "" {
		return cliutil.UsageError(fmt.Errorf("--from and --to are required"))
	}
	c, err := o.kube.Client()
	if err != nil {
		return err
	}
	ns, err := o.ns.Resolve(&o.kube)
	if err != nil {
		return err
	}
	p := &landfallv1alpha1.Promotion{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: o.name},
		Spec:       landfallv1alpha1.PromotionSpec{Application: app, From: o.from, To: o.to, Revision: o.revision},
	}
	if o.name == "" {
		p.GenerateName = strings.ToLower(app+"-"+o.to) + "-"
	}
	if o.copyDir {
		p.Spec.Strategy = landfallv1alpha1.PromotionStrategyCopy
	}
	if err := c.Create(ctx, p); err != nil {
		return fmt.Errorf("creating promotion of %s from %s to %s: %w", app, o.from, o.to, err)
	}
	if o.output.String() == cliutil.OutputText {
		fmt.Fprintf(out, "promotion/%s created: %s from %s to %s\n", p.Name, app, o.from, o.to)
	}
	if o.wait {
		last := ""
		err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, o.timeout, true, func(ctx context.Context) (bool, error) {
			if err := c.Get(ctx, client.ObjectKeyFromObject(p), p); err != nil {
				return false, fmt.Errorf("reading promotion %s: %w", p.Name, err)
			}
			if ph := p.Status.Phase; ph != last && ph != "" && o.output.String() == cliutil.OutputText {
				fmt.Fprintf(out, "%s: %s\n", ph, p.Status.Message)
				last = ph
			}
			return p.IsFinished(), nil
		})
		if err != nil {
			return fmt.Errorf("waiting for promotion %s (%s: %s): %w", p.Name, p.Status.Phase, p.Status.Message, err)
		}
	}
	if o.output.String() != cliutil.OutputText {
		if err := cliutil.PrintStructured(out, o.output.String(), p); err != nil {
			return err
		}
	}
	if p.Status.Phase == landfallv1alpha1.PromotionFailed {
		return cliutil.Silent(cliutil.ExitFailure)
	}
	return nil
}
