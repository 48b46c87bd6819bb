package controller

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// maxHistoryMessage bounds a history record's message.
const maxHistoryMessage = 1024

// record adds a sync to the history, newest first, keeping
// MaxSyncHistory. A failure or block repeating the newest record (the
// same revision retried) is not added again.
func (r *EnvironmentReconciler) record(s *envSync, result, msg string) {
	h := s.env.Status.History
	if len(h) > 0 && h[0].Revision == s.revision && h[0].Result == result &&
		(result == landfallv1alpha1.SyncFailed || result == landfallv1alpha1.SyncBlocked) {
		return
	}
	if len(msg) > maxHistoryMessage {
		msg = msg[:maxHistoryMessage-3] + "..."
	}
	rec := landfallv1alpha1.SyncRecord{Revision: s.revision, Time: metav1.NewTime(r.now()), Result: result, Message: msg}
	h = append([]landfallv1alpha1.SyncRecord{rec}, h...)
	if len(h) > landfallv1alpha1.MaxSyncHistory {
		h = h[:landfallv1alpha1.MaxSyncHistory]
	}
	s.env.Status.History = h
}

// finalizeStatus turns the outcome into conditions and a result (the one
// place errors are mapped to results), patches the status when it
// changed, and emits events.
func (r *EnvironmentReconciler) finalizeStatus(ctx context.Context, s *envSync, err error) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	obj := s.env
	wasReady := meta.FindStatusCondition(s.base.Status.Conditions, landfallv1alpha1.ReadyCondition)
	result, retErr := r.summarize(s, err)
	ready := meta.FindStatusCondition(obj.Status.Conditions, landfallv1alpha1.ReadyCondition)
	if !equality.Semantic.DeepEqual(s.base.Status, obj.Status) {
		if perr := r.Status().Patch(ctx, obj, client.MergeFrom(s.base)); perr != nil {
			if apierrors.IsNotFound(perr) {
				return ctrl.Result{}, nil
			}
			return ctrl.Result{}, errors.Join(retErr, fmt.Errorf("patching status: %w", perr))
		}
	}
	if err != nil && ready != nil {
		log.V(1).Info("environment not ready", "reason", ready.Reason, "message", ready.Message, "requeueAfter", result.RequeueAfter)
	}
	switch {
	case s.event != "":
		r.event(obj, corev1.EventTypeNormal, landfallv1alpha1.SyncSucceededReason, s.event)
	case ready != nil && (wasReady == nil || wasReady.Status != ready.Status || wasReady.Reason != ready.Reason):
		kind := corev1.EventTypeNormal
		if ready.Status != metav1.ConditionTrue || ready.Reason == landfallv1alpha1.DriftDetectedReason {
			kind = corev1.EventTypeWarning
		}
		r.event(obj, kind, ready.Reason, ready.Message)
	}
	return result, retErr
}

// summarize sets Ready, Reconciling and Stalled from the outcome and
// returns when to look again: the interval after a success or a stall
// (a new commit may fix it), the retry interval after a transient error.
func (r *EnvironmentReconciler) summarize(s *envSync, err error) (ctrl.Result, error) {
	obj := s.env
	c := conditions{&obj.Status.Conditions, obj.Generation}
	interval := obj.GetInterval()
	if obj.Spec.Suspend && err == nil {
		meta.RemoveStatusCondition(&obj.Status.Conditions, landfallv1alpha1.ReconcilingCondition)
		if meta.FindStatusCondition(obj.Status.Conditions, landfallv1alpha1.ReadyCondition) == nil {
			c.set(landfallv1alpha1.ReadyCondition, metav1.ConditionUnknown, landfallv1alpha1.SuspendedReason, "suspended before the first sync")
		}
		return ctrl.Result{}, nil
	}
	if err == nil {
		reason, msg := s.readyReason, s.readyMessage
		if reason == "" {
			reason, msg = landfallv1alpha1.SyncSucceededReason, appliedMessage(obj, len(inventoryEntries(obj)))
		}
		c.ready(reason, msg)
		obj.Status.ObservedGeneration = obj.Generation
		return ctrl.Result{RequeueAfter: interval}, nil
	}
	re, ok := asReconcileError(err)
	if !ok {
		// Unexpected (the manager's own API calls failed): let
		// controller-runtime's rate limiter retry.
		msg := "failed to sync: " + err.Error()
		c.retrying(landfallv1alpha1.RetryingReason, msg, landfallv1alpha1.RetryingReason, msg)
		return ctrl.Result{}, err
	}
	msg := re.Error()
	if re.policy == policyStall {
		c.stalled(re.reason, msg)
		return ctrl.Result{RequeueAfter: interval}, nil
	}
	c.retrying(re.reason, msg, landfallv1alpha1.RetryingReason, msg)
	return ctrl.Result{RequeueAfter: min(interval, r.retryInterval)}, nil
}

// inventoryEntries returns the status inventory's entries.
func inventoryEntries(obj *landfallv1alpha1.Environment) []landfallv1alpha1.InventoryEntry {
	if obj.Status.Inventory == nil {
		return nil
	}
	return obj.Status.Inventory.Entries
}

// event emits an event on the environment through the one recorder.
func (r *EnvironmentReconciler) event(obj *landfallv1alpha1.Environment, kind, reason, msg string) {
	if r.Recorder == nil {
		return
	}
	r.Recorder.Eventf(obj, nil, kind, reason, "Sync", "%s", msg)
}
