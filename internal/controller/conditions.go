package controller

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// conditions writes the Ready, Reconciling and Stalled conditions of one
// reconcile of an object at generation: the states the reconcilers'
// summaries (summarizeTenancy, summarizePeriodic, the Environment's and
// the Promotion's summarize) map outcomes to. Marking work in progress
// before it starts (Reconciling=True, Progressing) is the reconcilers'
// own.
type conditions struct {
	list       *[]metav1.Condition
	generation int64
}

// set sets one condition.
func (c conditions) set(t string, status metav1.ConditionStatus, reason, msg string) {
	meta.SetStatusCondition(c.list, metav1.Condition{Type: t, Status: status, Reason: reason, Message: msg, ObservedGeneration: c.generation})
}

// ready: Ready, neither reconciling nor stalled.
func (c conditions) ready(reason, msg string) {
	c.set(landfallv1alpha1.ReadyCondition, metav1.ConditionTrue, reason, msg)
	meta.RemoveStatusCondition(c.list, landfallv1alpha1.ReconcilingCondition)
	meta.RemoveStatusCondition(c.list, landfallv1alpha1.StalledCondition)
}

// stalled: not Ready and Stalled for the same reason, not reconciling.
func (c conditions) stalled(reason, msg string) {
	c.set(landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, msg)
	c.set(landfallv1alpha1.StalledCondition, metav1.ConditionTrue, reason, msg)
	meta.RemoveStatusCondition(c.list, landfallv1alpha1.ReconcilingCondition)
}

// retrying: not Ready (readyReason, readyMsg), Reconciling (reason, msg),
// not stalled.
func (c conditions) retrying(readyReason, readyMsg, reason, msg string) {
	c.set(landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, readyReason, readyMsg)
	c.set(landfallv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, msg)
	meta.RemoveStatusCondition(c.list, landfallv1alpha1.StalledCondition)
}
