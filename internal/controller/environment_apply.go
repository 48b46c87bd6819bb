package controller

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/deliveryenv"
)

// sync applies the revision when it is new (or the spec changed, or a
// sync was requested), and otherwise checks the applied revision for
// drift: re-applied with selfHeal, reported without.
func (r *EnvironmentReconciler) sync(ctx context.Context, s *envSync) error {
	env := s.env
	objs := delivery.Objects(s.objects)
	opts := deliveryenv.ApplyOptions(env)
	fresh := s.revision != env.Status.LastAppliedRevision ||
		env.Generation != env.Status.ObservedGeneration ||
		env.GetRequestedAt() != s.base.Status.LastHandledRequestedAt ||
		env.Status.Inventory == nil
	if fresh {
		return r.apply(ctx, s, objs, opts, "")
	}
	prev := deliveryenv.InventoryFromAPI(env.Status.Inventory)
	changes, err := s.target.applier.Diff(ctx, objs, prev, opts)
	if err != nil {
		return retryError(landfallv1alpha1.ApplyFailedReason, fmt.Errorf("checking drift: %w", err))
	}
	drifted := deliveryenv.DriftOf(changes)
	if len(drifted) == 0 {
		env.Status.Drift = nil
		h, err := s.target.applier.Health(ctx, prev)
		if err != nil {
			return retryError(landfallv1alpha1.HealthCheckFailedReason, fmt.Errorf("checking health: %w", err))
		}
		env.Status.Health = deliveryenv.HealthToAPI(h)
		s.readyReason = landfallv1alpha1.SyncSucceededReason
		s.readyMessage = appliedMessage(env, prev.Len())
		return nil
	}
	drift := &landfallv1alpha1.DriftStatus{Revision: s.revision, Count: int32(min(len(drifted), 1<<30)), Objects: drifted}
	if len(drift.Objects) > landfallv1alpha1.MaxDriftedObjects {
		drift.Objects = drift.Objects[:landfallv1alpha1.MaxDriftedObjects]
	}
	env.Status.Drift = drift
	if !env.Spec.SelfHeal {
		s.readyReason = landfallv1alpha1.DriftDetectedReason
		s.readyMessage = fmt.Sprintf("%s; %d object(s) drifted (selfHeal is off): %s", appliedMessage(env, prev.Len()), len(drifted), strings.Join(drift.Objects, ", "))
		return nil
	}
	drift.Corrected = true
	return r.apply(ctx, s, objs, opts, fmt.Sprintf("reverted drift of %d object(s): %s", len(drifted), strings.Join(drift.Objects, ", ")))
}

// apply writes the planned inventory (the previous one plus everything
// about to be applied) to status first, then applies, prunes and waits
// for health, and records the outcome. healing, when set, says the apply
// reverts drift.
func (r *EnvironmentReconciler) apply(ctx context.Context, s *envSync, objs []*unstructured.Unstructured, opts delivery.ApplyOptions, healing string) error {
	env := s.env
	log := ctrl.LoggerFrom(ctx)
	prev := deliveryenv.InventoryFromAPI(env.Status.Inventory)
	planned := delivery.Merge(prev, delivery.InventoryOf(objs))
	env.Status.Inventory = deliveryenv.InventoryToAPI(planned)
	if err := r.patchStatus(ctx, s); err != nil {
		return fmt.Errorf("recording planned inventory: %w", err)
	}

	res, err := s.target.applier.Apply(ctx, objs, planned, opts)
	if res != nil {
		env.Status.Inventory = deliveryenv.InventoryToAPI(settleInventory(prev, res.Inventory, err))
		env.Status.Health = deliveryenv.HealthToAPI(res.Health)
	}
	if err != nil {
		failed := failedObjects(res, err)
		reason := landfallv1alpha1.ApplyFailedReason
		msg := fmt.Sprintf("applying revision %s: %s", deliveryenv.Short(s.revision), failed)
		if res != nil && failed == "" && res.Health != nil && !res.Health.Healthy {
			reason = landfallv1alpha1.HealthCheckFailedReason
			msg = fmt.Sprintf("revision %s applied but not healthy within %s: %s", deliveryenv.Short(s.revision), opts.Timeout, env.Status.Health.Message)
		} else if failed == "" {
			msg = fmt.Sprintf("applying revision %s: %v", deliveryenv.Short(s.revision), err)
		}
		r.record(s, landfallv1alpha1.SyncFailed, msg)
		log.Error(err, "sync failed", "revision", s.revision, "serviceAccount", s.target.serviceAccount)
		return retryError(reason, errors.New(msg))
	}
	env.Status.LastAppliedRevision = s.revision
	if healing == "" {
		env.Status.Drift = nil
	}
	summary := changeSummary(res)
	result := landfallv1alpha1.SyncSucceeded
	switch {
	case healing != "":
		result, summary = landfallv1alpha1.SyncDriftCorrected, healing
	case s.rollback != "":
		result, summary = landfallv1alpha1.SyncRolledBack, "rolled back: "+summary
	}
	r.record(s, result, summary)
	s.readyReason = landfallv1alpha1.SyncSucceededReason
	s.readyMessage = appliedMessage(env, res.Inventory.Len())
	s.event = fmt.Sprintf("revision %s: %s", deliveryenv.Short(s.revision), summary)
	log.Info("revision applied", "revision", s.revision, "result", result, "objects", res.Inventory.Len())
	return nil
}

// settleInventory removes from the inventory after a failed apply the
// objects that were only planned and that the API server refused (or
// that were never sent): they do not exist, and a tenant could not even
// prune them later. Objects whose request may have reached the server (a
// cut connection, a cancelled context) stay, so none is lost.
func settleInventory(prev, inv delivery.Inventory, err error) delivery.Inventory {
	if err == nil {
		return inv
	}
	had := map[string]bool{}
	for _, e := range prev.Entries {
		had[e.ID] = true
	}
	refused := map[string]bool{}
	for _, e := range joined(err) {
		var oe *delivery.ObjectError
		if !errors.As(e, &oe) || had[oe.Object.ID()] {
			continue
		}
		var ue *url.Error
		if errors.Is(oe.Err, context.Canceled) || errors.Is(oe.Err, context.DeadlineExceeded) || errors.As(oe.Err, &ue) {
			continue
		}
		refused[oe.Object.ID()] = true
	}
	out := delivery.Inventory{}
	for _, e := range inv.Entries {
		if !refused[e.ID] {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

// joined returns the errors joined in err, or err alone.
func joined(err error) []error {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		return j.Unwrap()
	}
	return []error{err}
}

// patchStatus writes the status now (the planned inventory, before
// applying) and moves the baseline of the final patch forward. It is
// the one exception to a single status patch per reconcile: without it a
// manager stopped mid-apply would lose track of the objects it created.
func (r *EnvironmentReconciler) patchStatus(ctx context.Context, s *envSync) error {
	if equality.Semantic.DeepEqual(s.base.Status, s.env.Status) {
		return nil
	}
	if err := r.Status().Patch(ctx, s.env, client.MergeFrom(s.base)); err != nil {
		return err
	}
	s.base = s.env.DeepCopy()
	return nil
}

// failedObjects lists the objects that failed, from the result's changes
// or the joined ObjectErrors.
func failedObjects(res *delivery.Result, err error) string {
	var parts []string
	if res != nil {
		for _, c := range res.Changes {
			if c.Action == delivery.ActionFail {
				parts = append(parts, c.Object.String()+": "+c.Error)
			}
		}
	}
	if len(parts) == 0 {
		for _, e := range joined(err) {
			var oe *delivery.ObjectError
			if errors.As(e, &oe) {
				parts = append(parts, oe.Error())
			}
		}
	}
	slices.Sort(parts)
	const maxParts = 10
	if len(parts) > maxParts {
		parts = append(parts[:maxParts], fmt.Sprintf("and %d more", len(parts)-maxParts))
	}
	return strings.Join(parts, "; ")
}

// changeSummary counts what an apply did.
func changeSummary(res *delivery.Result) string {
	counts := map[delivery.Action]int{}
	for _, c := range res.Changes {
		counts[c.Action]++
	}
	return fmt.Sprintf("%d object(s): %d created, %d updated, %d unchanged, %d pruned",
		res.Inventory.Len(), counts[delivery.ActionCreate], counts[delivery.ActionUpdate], counts[delivery.ActionUnchanged], counts[delivery.ActionDelete])
}

// appliedMessage is the Ready message of an applied revision.
func appliedMessage(env *landfallv1alpha1.Environment, objects int) string {
	msg := fmt.Sprintf("applied revision %s (%d objects)", deliveryenv.Short(env.Status.LastAppliedRevision), objects)
	if rb := env.Status.Rollback; rb != nil {
		msg += fmt.Sprintf(", rolled back from %s until the next commit", deliveryenv.Short(rb.SourceRevision))
	}
	return msg
}
