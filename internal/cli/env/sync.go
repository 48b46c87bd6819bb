package env

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func syncCommand() *cobra.Command {
	var t target
	var waitDone bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "sync ENV",
		Short: "Ask the manager to sync an environment now",
		Long: `Ask the manager to sync an environment now instead of at its next interval,
by setting the annotation landfall.dev/requested-at (as 'flux reconcile'
does with reconcile.fluxcd.io/requestedAt). The revision at the head of the
source is fetched, gated and applied again, even when unchanged. With
--wait, wait until the manager has handled the request and report the
outcome; the command fails when the environment is not Ready.`,
		Example: `  landfall env sync dev -n shop
  landfall env sync prod -n shop --wait --timeout 5m`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSync(cmd.Context(), cmd.OutOrStdout(), &t, args[0], waitDone, timeout)
		},
	}
	cmd.Flags().BoolVar(&waitDone, "wait", false, "wait until the sync is done and report its outcome")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long --wait waits")
	t.bindEnvArg(cmd)
	return cmd
}

func runSync(ctx context.Context, out io.Writer, t *target, name string, waitDone bool, timeout time.Duration) error {
	c, env, err := t.get(ctx, name)
	if err != nil {
		return err
	}
	stamp := now()
	if err := annotate(ctx, c, env, landfallv1alpha1.AnnotationRequestedAt, stamp); err != nil {
		return err
	}
	if env.Spec.Suspend {
		fmt.Fprintf(out, "environment %s/%s is suspended: the request is handled once it is resumed\n", env.Namespace, env.Name)
		return nil
	}
	fmt.Fprintf(out, "environment %s/%s: sync requested\n", env.Namespace, env.Name)
	if !waitDone {
		return nil
	}
	if err := waitFor(ctx, c, env, timeout, "the sync", func(e *landfallv1alpha1.Environment) bool {
		return e.Status.LastHandledRequestedAt == stamp && ready(e).ObservedGeneration == e.Generation
	}); err != nil {
		return err
	}
	return report(out, env)
}

// report prints the outcome of a sync and fails when it is not Ready.
func report(out io.Writer, env *landfallv1alpha1.Environment) error {
	r := ready(env)
	if r.Status != metav1.ConditionTrue {
		fmt.Fprintf(out, "environment %s/%s is not ready: %s\n", env.Namespace, env.Name, r.Message)
		return cliutil.Silent(cliutil.ExitFailure)
	}
	_, err := fmt.Fprintf(out, "environment %s/%s is ready: %s\n", env.Namespace, env.Name, r.Message)
	return err
}
