package env

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/deliveryenv"
)

func rollbackCommand() *cobra.Command {
	var t target
	var to string
	var waitDone bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "rollback ENV [--to REVISION]",
		Short: "Return an environment to an earlier revision until the next commit",
		Long: `Return an environment to an earlier revision: by default the last revision
it applied successfully before the current one (see 'landfall env history'),
or the commit given with --to (a prefix of a revision in the history, or a
full SHA). The manager fetches that commit, runs the gate on it and applies
it, pruning what it did not have; the environment then stays at it until a
new commit lands on its source, which it syncs as usual. The request is the
annotation landfall.dev/rollback-to, honoured once.`,
		Example: `  # Back to the previous good revision, and wait until it is applied
  landfall env rollback prod -n shop --wait

  # Back to a given commit
  landfall env rollback prod -n shop --to 3f2a9c1e`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRollback(cmd.Context(), cmd.OutOrStdout(), &t, args[0], to, waitDone, timeout)
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "revision to return to (default: the previous successful one)")
	cmd.Flags().BoolVar(&waitDone, "wait", false, "wait until the revision is applied and report the outcome")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long --wait waits")
	t.bindEnvArg(cmd)
	return cmd
}

func runRollback(ctx context.Context, out io.Writer, t *target, name, to string, waitDone bool, timeout time.Duration) error {
	c, env, err := t.get(ctx, name)
	if err != nil {
		return err
	}
	rev, err := rollbackRevision(env, to)
	if err != nil {
		return cliutil.UsageError(err)
	}
	value := rev + "@" + now()
	if err := annotate(ctx, c, env, landfallv1alpha1.AnnotationRollbackTo, value); err != nil {
		return err
	}
	fmt.Fprintf(out, "environment %s/%s: rollback to %s requested (from %s)\n", env.Namespace, env.Name, short(rev), short(env.Status.LastAppliedRevision))
	if !waitDone {
		return nil
	}
	if err := waitFor(ctx, c, env, timeout, "the rollback", func(e *landfallv1alpha1.Environment) bool {
		if e.Status.LastHandledRollbackTo != value {
			return false
		}
		r := ready(e)
		return e.Status.LastAppliedRevision == rev && r.Status == metav1.ConditionTrue ||
			r.Status == metav1.ConditionFalse && r.ObservedGeneration == e.Generation
	}); err != nil {
		return err
	}
	return report(out, env)
}

// rollbackRevision resolves --to, or picks the newest revision of the
// history that was applied successfully and is not the current one.
func rollbackRevision(env *landfallv1alpha1.Environment, to string) (string, error) {
	if to != "" {
		return deliveryenv.ResolveRevision(env, to)
	}
	for _, h := range env.Status.History {
		ok := h.Result == landfallv1alpha1.SyncSucceeded || h.Result == landfallv1alpha1.SyncRolledBack
		if ok && h.Revision != env.Status.LastAppliedRevision {
			return h.Revision, nil
		}
	}
	return "", errors.New("no earlier successful revision in the history: give --to REVISION")
}
