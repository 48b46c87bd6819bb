package controller

import (
	"errors"
	"math"
	"time"
)

// policy says how a failed reconcile is handled.
type policy int

const (
	// policyRetry: a transient condition (unreachable cluster, missing
	// Secret); Ready=False, Reconciling=True, retried with backoff through
	// RequeueAfter.
	policyRetry policy = iota
	// policyStall: the input is wrong and retrying will not help until it
	// changes; Ready=False, Stalled=True.
	policyStall
)

// reconcileError is a failure that carries the condition reason and how to
// handle it, like Flux's serror.Stalling and serror.Waiting.
type reconcileError struct {
	// reason is the Ready condition's reason (an API constant).
	reason string
	// policy decides the result.
	policy policy
	// terminal, for stalls, means only a spec change can help: the error
	// is returned as a reconcile.TerminalError and nothing is requeued.
	terminal bool
	// followed, for retries, means a watch event is certain to bring the
	// object back (it waits for something this pass just wrote), so an
	// interim status need not be written for it.
	followed bool
	// err is the cause; its message goes into the condition.
	err error
}

func (e *reconcileError) Error() string { return e.err.Error() }

func (e *reconcileError) Unwrap() error { return e.err }

// retryError marks err as transient.
func retryError(reason string, err error) error {
	return &reconcileError{reason: reason, policy: policyRetry, err: err}
}

// stallError marks err as needing a change to an input other than the
// spec (a Secret): retried at the normal interval only.
func stallError(reason string, err error) error {
	return &reconcileError{reason: reason, policy: policyStall, err: err}
}

// terminalError marks err as needing a spec change.
func terminalError(reason string, err error) error {
	return &reconcileError{reason: reason, policy: policyStall, terminal: true, err: err}
}

// asReconcileError returns the typed error in err's chain, if any.
func asReconcileError(err error) (*reconcileError, bool) {
	var re *reconcileError
	ok := errors.As(err, &re)
	return re, ok
}

// Backoff is an exponential retry schedule.
type Backoff struct {
	// Initial is the delay after the first failure.
	Initial time.Duration
	// Max caps the delay.
	Max time.Duration
}

// Delay returns the delay after the given number of consecutive failures
// (1 for the first): Initial × 2^(failures-1), capped at Max.
func (b Backoff) Delay(failures int32) time.Duration {
	if failures < 1 {
		failures = 1
	}
	d := float64(b.Initial) * math.Pow(2, float64(failures-1))
	if d > float64(b.Max) {
		return b.Max
	}
	return time.Duration(d)
}
