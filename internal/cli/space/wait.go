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

// readTimeout bounds one read, so a hung API server cannot hold --wait
// past its timeout for long.
const readTimeout = 10 * time.Second

// errTimedOut ends a poll at its timeout. The timeout is not the reads'
// context deadline: a read near that deadline fails on the client's rate
// limiter instead of timing out.
var errTimedOut = errors.New("timed out")

// poll reads the Space every pollInterval and hands check the result of
// each read (the Space, or the read's error) until check is done or fails,
// or timeout has passed (errTimedOut). The Space is read at least once.
func poll(ctx context.Context, c client.Client, name string, timeout time.Duration, check func(*landfallv1alpha1.Space, error) (bool, error)) error {
	deadline := time.Now().Add(timeout)
	first := true
	err := wait.PollUntilContextCancel(ctx, pollInterval, true, func(ctx context.Context) (bool, error) {
		if !first && time.Now().After(deadline) {
			return false, errTimedOut
		}
		first = false
		readCtx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		s := &landfallv1alpha1.Space{}
		err := c.Get(readCtx, client.ObjectKey{Name: name}, s)
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
			if ctx.Err() == nil && readCtx.Err() != nil {
				return false, nil // this read timed out; the next may not
			}
			return false, fmt.Errorf("reading space %s: %w", name, err)
		}
		return check(s, err)
	})
	if err != nil && !errors.Is(err, errTimedOut) && ctx.Err() != nil {
		return fmt.Errorf("waiting for space %s: %w", name, ctx.Err())
	}
	return err
}

// waitReady waits until the Space is Ready, printing each new status
// message. It fails at once when the manager says the space is Stalled
// for good (its name taken by another namespace, its templates failing
// to render, the account's space limit reached); a Space whose account
// the manager has not seen yet is only waited for. Until the account's
// role names the new space, the tenant's reads are forbidden; that is
// waited out too.
func waitReady(ctx context.Context, out io.Writer, c client.Client, name string, timeout time.Duration) error {
	var last, ready string
	seen := false
	err := poll(ctx, c, name, timeout, func(s *landfallv1alpha1.Space, err error) (bool, error) {
		switch {
		case apierrors.IsNotFound(err) && seen:
			return false, fmt.Errorf("space %s was deleted while waiting for it", name)
		case err != nil:
			return false, nil
		}
		seen = true
		if stalled := meta.FindStatusCondition(s.Status.Conditions, landfallv1alpha1.StalledCondition); stalled != nil &&
			stalled.Status == metav1.ConditionTrue && stalled.Reason != landfallv1alpha1.AccountNotFoundReason {
			return false, fmt.Errorf("space %s is stalled (%s): %s", name, stalled.Reason, stalled.Message)
		}
		cond := meta.FindStatusCondition(s.Status.Conditions, landfallv1alpha1.ReadyCondition)
		if cond == nil {
			return false, nil
		}
		if cond.Status == metav1.ConditionTrue {
			ready = cond.Message
			return true, nil
		}
		if cond.Message != last {
			last = cond.Message
			fmt.Fprintf(out, "  %s\n", cond.Message)
		}
		return false, nil
	})
	switch {
	case errors.Is(err, errTimedOut) && !seen:
		return fmt.Errorf("waiting for space %s to be ready: still not readable by you after %s (the manager grants access to a space once it has set it up; is landfall manager running?)", name, timeout)
	case errors.Is(err, errTimedOut):
		return fmt.Errorf("waiting for space %s to be ready: not ready after %s (landfall spaces shows its status)", name, timeout)
	case err != nil:
		return err
	}
	_, err = fmt.Fprintf(out, "space/%s ready: %s\n", name, ready)
	return err
}

// waitGone waits until the Space (and with it its namespace) is gone. A
// tenant's read of it turns forbidden once the account's role no longer
// names it, which happens only after it is gone; so forbidden counts as
// gone once a read has succeeded.
func waitGone(ctx context.Context, c client.Client, name string, timeout time.Duration) error {
	seen := false
	err := poll(ctx, c, name, timeout, func(_ *landfallv1alpha1.Space, err error) (bool, error) {
		switch {
		case apierrors.IsNotFound(err):
			return true, nil
		case apierrors.IsForbidden(err) && seen:
			return true, nil
		case apierrors.IsForbidden(err):
			return false, fmt.Errorf("waiting for space %s to be deleted: you may not read it: %w", name, err)
		}
		seen = true
		return false, nil
	})
	if errors.Is(err, errTimedOut) {
		return fmt.Errorf("waiting for space %s to be deleted: still there after %s", name, timeout)
	}
	return err
}
