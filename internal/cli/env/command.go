package env

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// Command returns `landfall env` with its sub-commands.
func Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "env",
		Aliases: []string{"environment", "environments"},
		Short:   "See, diff, sync and roll back the environments of GitOps delivery",
		Long: `An Environment syncs a path of a Git repository to a cluster: the manager
fetches it, renders it (plain YAML, kustomize, local Helm charts), runs the
security gate (Landfall's posture checks; a finding at or above the gate's
minimum severity blocks the revision), applies it with server-side apply as
the environment's ServiceAccount, prunes what was removed from Git, waits
for health and watches for drift.

These commands use your own credentials: you see the environments you may
read, and sync or roll back those you may patch.`,
		Example: `  landfall env list -n shop
  landfall env status dev -n shop
  landfall env diff prod -n shop
  landfall env sync dev -n shop --wait
  landfall env history prod -n shop
  landfall env rollback prod -n shop --wait`,
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	cmd.AddCommand(listCommand(), statusCommand(), diffCommand(), syncCommand(), historyCommand(), rollbackCommand())
	return cmd
}

// target is the flags every command that names one environment shares.
type target struct {
	kube cliutil.KubeFlags
	ns   cliutil.NamespaceFlag
}

func (t *target) bind(cmd *cobra.Command) {
	t.kube.Bind(cmd.Flags())
	t.ns.Bind(cmd.Flags())
}

// bindEnvArg is bind for a command whose argument is ENV: the shell
// completes it with the Environments of the namespace -n selects.
func (t *target) bindEnvArg(cmd *cobra.Command) {
	t.bind(cmd)
	cmd.ValidArgsFunction = cliutil.CompleteNameArg(&t.kube, &t.ns, landfallv1alpha1.GroupVersion.WithResource("environments"))
}

// get returns a client and the named Environment.
func (t *target) get(ctx context.Context, name string) (client.Client, *landfallv1alpha1.Environment, error) {
	c, err := t.kube.Client()
	if err != nil {
		return nil, nil, err
	}
	ns, err := t.ns.Resolve(&t.kube)
	if err != nil {
		return nil, nil, err
	}
	env := &landfallv1alpha1.Environment{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, env); err != nil {
		return nil, nil, fmt.Errorf("reading environment %s/%s: %w", ns, name, err)
	}
	return c, env, nil
}

// annotate sets an annotation on the environment with a merge patch.
func annotate(ctx context.Context, c client.Client, env *landfallv1alpha1.Environment, key, value string) error {
	patch := client.MergeFrom(env.DeepCopy())
	if env.Annotations == nil {
		env.Annotations = map[string]string{}
	}
	env.Annotations[key] = value
	if err := c.Patch(ctx, env, patch); err != nil {
		return fmt.Errorf("annotating environment %s/%s: %w", env.Namespace, env.Name, err)
	}
	return nil
}

// waitFor polls the environment until done says so, or the timeout.
func waitFor(ctx context.Context, c client.Client, env *landfallv1alpha1.Environment, timeout time.Duration, what string, done func(*landfallv1alpha1.Environment) bool) error {
	key := client.ObjectKeyFromObject(env)
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := c.Get(ctx, key, env); err != nil {
			return false, fmt.Errorf("reading environment %s: %w", key, err)
		}
		return done(env), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for %s of environment %s: %w", what, key, err)
	}
	return nil
}

// ready returns the Ready condition, or an Unknown one.
func ready(env *landfallv1alpha1.Environment) metav1.Condition {
	if c := meta.FindStatusCondition(env.Status.Conditions, landfallv1alpha1.ReadyCondition); c != nil {
		return *c
	}
	return metav1.Condition{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionUnknown, Message: "not synced yet"}
}

// now stamps requests.
func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// short returns the first 12 characters of a revision.
func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	if rev == "" {
		return "-"
	}
	return rev
}

// timeNow is the clock of gate exceptions' expiry.
func timeNow() time.Time { return time.Now() }
