package controller

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
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
	"github.com/landfall-dev/landfall/internal/delivery"
)

// Names of the delivery controllers, their loggers and events.
const (
	EnvironmentControllerName = "landfall-environment"
	PromotionControllerName   = "landfall-promotion"
)

// LabelShard assigns an Environment or Promotion to the manager started
// with the same DeliveryOptions.ShardKey, like Flux's
// sharding.fluxcd.io/key; objects without it belong to managers without a
// shard key.
const LabelShard = "landfall.dev/shard"

// Field indexes of the delivery controllers.
const (
	envDependsOnIndex    = "spec.dependsOn"
	promotionEnvironment = "spec.environments"
)

// DeliveryOptions are the setup knobs of the Environment and Promotion
// reconcilers.
type DeliveryOptions struct {
	// MaxConcurrentReconciles bounds parallel syncs.
	MaxConcurrentReconciles int
	// CacheDir holds the Git repositories; empty means a directory under
	// the system's temporary directory.
	CacheDir string
	// RetryInterval is the delay before retrying a failed sync (at most
	// the environment's interval); 0 means 30s.
	RetryInterval time.Duration
	// ShardKey selects the objects this manager handles: those labelled
	// landfall.dev/shard with this value, or, when empty, those without
	// the label.
	ShardKey string
	// Applier tunes server-side apply (concurrency, client rate).
	Applier delivery.ApplierOptions
	// AllowLocalSources lets environments sync local paths and file://
	// URLs, read from the manager's own disk: for demos and tests only,
	// never where tenants create environments.
	AllowLocalSources bool
}

// SetupDelivery registers the Environment and Promotion reconcilers and
// their field indexes.
func SetupDelivery(mgr ctrl.Manager, opts DeliveryOptions) error {
	if opts.CacheDir == "" {
		opts.CacheDir = filepath.Join(os.TempDir(), "landfall-delivery")
	}
	if err := os.MkdirAll(opts.CacheDir, 0o700); err != nil {
		return fmt.Errorf("creating git cache directory: %w", err)
	}
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = 30 * time.Second
	}
	ctx := context.Background()
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &landfallv1alpha1.Environment{}, envDependsOnIndex, func(o client.Object) []string {
		var out []string
		for _, d := range o.(*landfallv1alpha1.Environment).Spec.DependsOn {
			out = append(out, d.Name)
		}
		return out
	}); err != nil {
		return fmt.Errorf("indexing environments by dependency: %w", err)
	}
	if err := idx.IndexField(ctx, &landfallv1alpha1.Promotion{}, promotionEnvironment, func(o client.Object) []string {
		p := o.(*landfallv1alpha1.Promotion)
		return []string{p.Spec.From, p.Spec.To}
	}); err != nil {
		return fmt.Errorf("indexing promotions by environment: %w", err)
	}
	fetcher := &delivery.Fetcher{CacheDir: opts.CacheDir, AllowLocal: opts.AllowLocalSources}
	env := &EnvironmentReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder(EnvironmentControllerName),
		OwnConfig: mgr.GetConfig(),
		Fetcher:   fetcher,
		Applier:   opts.Applier,
	}
	if err := env.SetupWithManager(mgr, opts); err != nil {
		return fmt.Errorf("setting up environment reconciler: %w", err)
	}
	promo := &PromotionReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder(PromotionControllerName),
		Fetcher:   fetcher,
	}
	if err := promo.SetupWithManager(mgr, opts); err != nil {
		return fmt.Errorf("setting up promotion reconciler: %w", err)
	}
	return nil
}

// shardPredicate keeps the objects of the shard.
func shardPredicate(key string) (predicate.Predicate, error) {
	op, vals := selection.DoesNotExist, []string(nil)
	if key != "" {
		op, vals = selection.Equals, []string{key}
	}
	req, err := labels.NewRequirement(LabelShard, op, vals)
	if err != nil {
		return nil, fmt.Errorf("shard key %q: %w", key, err)
	}
	sel := labels.NewSelector().Add(*req)
	return predicate.NewPredicateFuncs(func(o client.Object) bool { return sel.Matches(labels.Set(o.GetLabels())) }), nil
}

// controllerName suffixes name with the shard key, so managers of
// several shards can run in one process.
func controllerName(name, shard string) string {
	if shard == "" {
		return name
	}
	return name + "-" + shard
}

// SetupWithManager registers the reconciler. It syncs on spec changes,
// on new landfall.dev/requested-at and rollback-to annotations, on its
// own interval, and when an environment it depends on becomes Ready.
func (r *EnvironmentReconciler) SetupWithManager(mgr ctrl.Manager, opts DeliveryOptions) error {
	r.retryInterval = opts.RetryInterval
	r.targets = newTargetCache()
	shard, err := shardPredicate(opts.ShardKey)
	if err != nil {
		return err
	}
	dependents := func(ctx context.Context, o client.Object) []reconcile.Request {
		var list landfallv1alpha1.EnvironmentList
		if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()), client.MatchingFields{envDependsOnIndex: o.GetName()}); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for i := range list.Items {
			if e := &list.Items[i]; shard.Generic(event.GenericEvent{Object: e}) {
				out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: e.Namespace, Name: e.Name}})
			}
		}
		return out
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named(controllerName(EnvironmentControllerName, opts.ShardKey)).
		For(&landfallv1alpha1.Environment{}, builder.WithPredicates(shard,
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&landfallv1alpha1.Environment{}, handler.EnqueueRequestsFromMapFunc(dependents),
			builder.WithPredicates(predicate.Funcs{UpdateFunc: readinessChanged})).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, opts.MaxConcurrentReconciles)}).
		Complete(r)
}

// readinessChanged passes updates that change an environment's Ready
// status or applied revision: what its dependents and promotions wait on.
func readinessChanged(e event.UpdateEvent) bool {
	o, ok1 := e.ObjectOld.(*landfallv1alpha1.Environment)
	n, ok2 := e.ObjectNew.(*landfallv1alpha1.Environment)
	if !ok1 || !ok2 {
		return false
	}
	return meta.IsStatusConditionTrue(o.Status.Conditions, landfallv1alpha1.ReadyCondition) !=
		meta.IsStatusConditionTrue(n.Status.Conditions, landfallv1alpha1.ReadyCondition) ||
		o.Status.LastAppliedRevision != n.Status.LastAppliedRevision ||
		(o.Status.Gate == nil) != (n.Status.Gate == nil) ||
		(o.Status.Gate != nil && n.Status.Gate != nil && o.Status.Gate.Blocked != n.Status.Gate.Blocked)
}
