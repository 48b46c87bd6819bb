package space

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// pollInterval is how often --wait reads the Space. A tenant may only get
// their spaces by name (no watch), so it polls.
const pollInterval = 250 * time.Millisecond

// errTimedOut ends a poll at its timeout. The timeout is not the reads'
// context deadline: a read near that deadline fails on the client's rate
// limiter instead of timing out.
var errTimedOut = errors.New("timed out")

// poll calls check every pollInterval until it is done, fails, or timeout
// has passed (errTimedOut).
func poll(ctx context.Context, timeout time.Duration, check func(context.Context) (bool, error)) error {
	deadline := time.Now().Add(timeout)
	return wait.PollUntilContextCancel(ctx, pollInterval, true, func(ctx context.Context) (bool, error) {
		if time.Now().After(deadline) {
			return false, errTimedOut
		}
		return check(ctx)
	})
}

// waitReady waits until the Space is Ready, printing each new status
// message, and fails as soon as the manager says it is Stalled (it will
// not become Ready without a change: a space limit reached, a missing
// template). Until the account's role names the new space, the tenant's
// reads are forbidden; that is waited out too.
func waitReady(ctx context.Context, out io.Writer, c client.Client, name string, timeout time.Duration) error {
	var last string
	s := &landfallv1alpha1.Space{}
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		if err := c.Get(ctx, client.ObjectKey{Name: name}, s); err != nil {
			if apierrors.IsForbidden(err) || apierrors.IsNotFound(err) {
				return false, nil
			}
			return false, fmt.Errorf("reading space %s: %w", name, err)
		}
		if stalled := meta.FindStatusCondition(s.Status.Conditions, landfallv1alpha1.StalledCondition); stalled != nil && stalled.Status == metav1.ConditionTrue {
			return false, fmt.Errorf("space %s is stalled (%s): %s", name, stalled.Reason, stalled.Message)
		}
		ready := meta.FindStatusCondition(s.Status.Conditions, landfallv1alpha1.ReadyCondition)
		if ready == nil {
			return false, nil
		}
		if ready.Message != last && ready.Status != metav1.ConditionTrue {
			last = ready.Message
			fmt.Fprintf(out, "  %s\n", ready.Message)
		}
		return ready.Status == metav1.ConditionTrue, nil
	})
	if err != nil {
		if errors.Is(err, errTimedOut) {
			return fmt.Errorf("waiting for space %s to be ready: not ready after %s (landfall spaces shows its status)", name, timeout)
		}
		return err
	}
	_, err = fmt.Fprintf(out, "space/%s ready: %s\n", name, meta.FindStatusCondition(s.Status.Conditions, landfallv1alpha1.ReadyCondition).Message)
	return err
}

// waitGone waits until the Space (and with it its namespace) is gone. A
// tenant's read of it turns forbidden once the account's role no longer
// names it, which happens only after it is gone.
func waitGone(ctx context.Context, c client.Client, name string, timeout time.Duration) error {
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		err := c.Get(ctx, client.ObjectKey{Name: name}, &landfallv1alpha1.Space{})
		switch {
		case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
			return true, nil
		case err != nil:
			return false, fmt.Errorf("reading space %s: %w", name, err)
		}
		return false, nil
	})
	if errors.Is(err, errTimedOut) {
		return fmt.Errorf("waiting for space %s to be deleted: still there after %s", name, timeout)
	}
	return err
}
