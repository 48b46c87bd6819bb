package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// ClusterControllerName names the controller, its logger and its events.
const ClusterControllerName = "landfall-cluster"

// ClusterReconcilerOptions are the setup knobs of the Cluster reconciler.
type ClusterReconcilerOptions struct {
	// MaxConcurrentReconciles bounds parallel probes.
	MaxConcurrentReconciles int
	// Retry is the backoff for failed probes.
	Retry Backoff
}

// SetupWithManager registers the reconciler. It reconciles on spec changes
// (generation) and on its own RequeueAfter schedule; status updates do not
// trigger it.
func (r *ClusterReconciler) SetupWithManager(mgr ctrl.Manager, opts ClusterReconcilerOptions) error {
	r.retry = opts.Retry
	if r.retry.Initial <= 0 {
		r.retry = DefaultOptions().ClusterRetry
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named(ClusterControllerName).
		For(&landfallv1alpha1.Cluster{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, opts.MaxConcurrentReconciles)}).
		Complete(r)
}
