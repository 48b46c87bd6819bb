package controller

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// promotionRetry is the longest a refused promotion waits before looking
// at its source again; the Environment watch usually brings it sooner.
const promotionRetry = time.Minute

// SetupWithManager registers the reconciler. It reconciles on spec
// changes (an approval), and when an environment a promotion names
// changes its Ready status, applied revision or gate verdict.
func (r *PromotionReconciler) SetupWithManager(mgr ctrl.Manager, opts DeliveryOptions) error {
	r.retryInterval = min(opts.RetryInterval, promotionRetry)
	shard, err := shardPredicate(opts.ShardKey)
	if err != nil {
		return err
	}
	promotionsOf := func(ctx context.Context, o client.Object) []reconcile.Request {
		var list landfallv1alpha1.PromotionList
		if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()), client.MatchingFields{promotionEnvironment: o.GetName()}); err != nil {
			return nil
		}
		var out []reconcile.Request
		for i := range list.Items {
			if p := &list.Items[i]; !p.IsFinished() && shard.Generic(event.GenericEvent{Object: p}) {
				out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: p.Namespace, Name: p.Name}})
			}
		}
		return out
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named(controllerName(PromotionControllerName, opts.ShardKey)).
		For(&landfallv1alpha1.Promotion{}, builder.WithPredicates(shard, predicate.GenerationChangedPredicate{})).
		Watches(&landfallv1alpha1.Environment{}, handler.EnqueueRequestsFromMapFunc(promotionsOf),
			builder.WithPredicates(predicate.Funcs{UpdateFunc: readinessChanged})).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, opts.MaxConcurrentReconciles)}).
		Complete(r)
}
