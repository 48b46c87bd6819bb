package controller

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// tenancyStatus points at the status fields every tenancy Kind shares.
type tenancyStatus struct {
	conditions *[]metav1.Condition
	observed   *int64
	generation int64
}

// summarizeTenancy sets Ready, Reconciling and Stalled from the outcome of
// a tenancy reconcile and returns its result; it is the one place the
// typed errors of errors.go are mapped to results for the tenancy
// reconcilers. wait is the RequeueAfter of a retry (the reconcilers also
// watch what they wait for, so it is a fallback).
func summarizeTenancy(s tenancyStatus, err error, readyReason, readyMsg string, wait time.Duration) (ctrl.Result, error) {
	c := conditions{s.conditions, s.generation}
	if err == nil {
		c.ready(readyReason, readyMsg)
		*s.observed = s.generation
		return ctrl.Result{}, nil
	}
	re, ok := asReconcileError(err)
	if !ok {
		c.set(landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, landfallv1alpha1.RetryingReason, "failed to reconcile: "+err.Error())
		c.set(landfallv1alpha1.ReconcilingCondition, metav1.ConditionTrue, landfallv1alpha1.RetryingReason, "failed to reconcile: "+err.Error())
		return ctrl.Result{}, err
	}
	msg := re.Error()
	switch re.policy {
	case policyStall:
		c.stalled(re.reason, msg)
		if re.terminal {
			return ctrl.Result{}, reconcile.TerminalError(err)
		}
		return ctrl.Result{}, nil
	default:
		c.retrying(re.reason, msg, re.reason, msg)
		return ctrl.Result{RequeueAfter: wait}, nil
	}
}

// ensureFinalizer adds finalizer to obj with a merge patch unless it is
// there already.
func ensureFinalizer(ctx context.Context, c client.Client, obj client.Object, finalizer string) error {
	if controllerutil.ContainsFinalizer(obj, finalizer) {
		return nil
	}
	patch := client.MergeFrom(obj.DeepCopyObject().(client.Object))
	controllerutil.AddFinalizer(obj, finalizer)
	if err := c.Patch(ctx, obj, patch); err != nil {
		return fmt.Errorf("adding finalizer %s: %w", finalizer, err)
	}
	return nil
}

// markDeleting shows an object whose deletion waits for what it owns as
// being deleted: Ready=False and Reconciling=True, both for reason
// Deleting with msg, so it stops showing its last Ready. update, if not
// nil, changes more of the status and reports whether it did. The status
// is patched, at once (the deletion paths have no deferred status
// patch), only when something changed. conds are obj's conditions.
func markDeleting(ctx context.Context, c client.Client, obj client.Object, conds *[]metav1.Condition, msg string, update func() bool) error {
	base := obj.DeepCopyObject().(client.Object)
	changed := false
	if r := meta.FindStatusCondition(*conds, landfallv1alpha1.ReadyCondition); r == nil || r.Reason != landfallv1alpha1.DeletingReason || r.Message != msg {
		conditions{conds, obj.GetGeneration()}.retrying(landfallv1alpha1.DeletingReason, msg, landfallv1alpha1.DeletingReason, msg)
		changed = true
	}
	if update != nil && update() {
		changed = true
	}
	if !changed {
		return nil
	}
	if err := c.Status().Patch(ctx, obj, client.MergeFrom(base)); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("patching status: %w", err)
	}
	return nil
}
