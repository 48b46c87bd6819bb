package controller

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// periodicStatus points at the status fields of a Kind that is
// reconciled every interval and backs off after failures (Cluster,
// PostureReport).
type periodicStatus struct {
	conditions *[]metav1.Condition
	observed   *int64
	failures   *int32
	generation int64
	// interval is the RequeueAfter after a success or a stall.
	interval time.Duration
	// maxRetry caps the backoff of a retry.
	maxRetry time.Duration
}

// summarizePeriodic sets Ready, Reconciling and Stalled from the outcome
// and returns the result: the interval after a success or a stall, the
// backoff of the consecutive failures after a retryable error, a terminal
// error for a terminal stall, and an unexpected error as it is, for
// controller-runtime's rate limiter. failedPrefix starts the message of a
// typed error ("failed to scan: ").
func summarizePeriodic(s periodicStatus, err error, retry Backoff, readyReason, readyMsg, failedPrefix string) (ctrl.Result, error) {
	c := conditions{s.conditions, s.generation}
	if err == nil {
		c.ready(readyReason, readyMsg)
		*s.observed = s.generation
		*s.failures = 0
		return ctrl.Result{RequeueAfter: s.interval}, nil
	}
	re, ok := asReconcileError(err)
	if !ok {
		// Unexpected (the manager's own API calls failed): let
		// controller-runtime's rate limiter retry.
		c.set(landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, landfallv1alpha1.RetryingReason, "failed to reconcile: "+err.Error())
		return ctrl.Result{}, err
	}
	msg := failedPrefix + re.Error()
	switch re.policy {
	case policyStall:
		c.stalled(re.reason, msg)
		if re.terminal {
			return ctrl.Result{}, reconcile.TerminalError(err)
		}
		return ctrl.Result{RequeueAfter: s.interval}, nil
	default:
		*s.failures++
		delay := min(retry.Delay(*s.failures), s.maxRetry)
		c.retrying(re.reason, msg, landfallv1alpha1.RetryingReason, fmt.Sprintf("attempt %d failed, retrying in %s", *s.failures, delay))
		return ctrl.Result{RequeueAfter: delay}, nil
	}
}
