package controller

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// Names of the tenancy controllers, their loggers and events.
const (
	SpaceControllerName            = "landfall-space"
	AccountControllerName          = "landfall-account"
	TemplateInstanceControllerName = "landfall-templateinstance"
	AccountQuotaControllerName     = "landfall-accountquota"
)

// Field indexes of the tenancy controllers.
const (
	instanceTemplateIndex    = "spec.template"
	aggregateToSpaceAdminKey = "landfall.dev/aggregate-to-space-admin"
)

// TenancyOptions are the setup knobs of the tenancy controllers.
type TenancyOptions struct {
	// MaxConcurrentReconciles bounds parallel reconciles per controller.
	MaxConcurrentReconciles int
	// QuotaRecountInterval is how often an AccountQuota is recounted in
	// full without an event. Creates (reserved at admission) and deletes
	// of the kinds in replenishedKinds are recounted at once; what
	// changes usage without such an event waits for this: a deleted
	// Secret, a pod that finishes or is resized, objects of a
	// count/<resource> kind the manager does not watch. (Updates of
	// Services and PersistentVolumeClaims are recounted at once:
	// usageCanFall.) 0 means DefaultQuotaRecountInterval.
	QuotaRecountInterval time.Duration
}

// DefaultQuotaRecountInterval is the default TenancyOptions.QuotaRecountInterval.
const DefaultQuotaRecountInterval = 30 * time.Second

// SetupTenancy registers the Account, Space, TemplateInstance and
// AccountQuota reconcilers, their field indexes, and a runnable that
// creates the default space ClusterRoles when absent.
func SetupTenancy(mgr ctrl.Manager, opts TenancyOptions) error {
	ctx := context.Background()
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &landfallv1alpha1.Space{}, tenancy.SpaceAccountIndex, func(o client.Object) []string {
		return []string{o.(*landfallv1alpha1.Space).Spec.Account}
	}); err != nil {
		return fmt.Errorf("indexing spaces by account: %w", err)
	}
	if err := idx.IndexField(ctx, &landfallv1alpha1.AccountQuota{}, tenancy.QuotaAccountIndex, func(o client.Object) []string {
		return []string{o.(*landfallv1alpha1.AccountQuota).Spec.Account}
	}); err != nil {
		return fmt.Errorf("indexing account quotas by account: %w", err)
	}
	if err := idx.IndexField(ctx, &landfallv1alpha1.TemplateInstance{}, instanceTemplateIndex, func(o client.Object) []string {
		return []string{o.(*landfallv1alpha1.TemplateInstance).Spec.Template}
	}); err != nil {
		return fmt.Errorf("indexing template instances by template: %w", err)
	}
	copts := controller.Options{MaxConcurrentReconciles: max(1, opts.MaxConcurrentReconciles)}
	c := mgr.GetClient()

	spaceOf := func(_ context.Context, o client.Object) []reconcile.Request {
		if o.GetNamespace() != "" {
			return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: o.GetNamespace()}}}
		}
		if s := o.GetLabels()[tenancy.LabelSpace]; s != "" {
			return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: s}}}
		}
		return nil
	}
	spacesOfAccount := func(ctx context.Context, o client.Object) []reconcile.Request {
		var list landfallv1alpha1.SpaceList
		if err := c.List(ctx, &list, client.MatchingFields{tenancy.SpaceAccountIndex: o.GetName()}); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, s := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: s.Name}})
		}
		return out
	}
	instancesOfTemplate := func(ctx context.Context, o client.Object) []reconcile.Request {
		var list landfallv1alpha1.TemplateInstanceList
		if err := c.List(ctx, &list, client.MatchingFields{instanceTemplateIndex: o.GetName()}); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, ti := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ti.Namespace, Name: ti.Name}})
		}
		return out
	}
	// An Account's labels are template parameters (${ACCOUNT_LABEL_*}):
	// a change re-renders the instances of its spaces. One that renders
	// the same applies nothing.
	instancesOfAccount := func(ctx context.Context, o client.Object) []reconcile.Request {
		var out []reconcile.Request
		for _, s := range spacesOfAccount(ctx, o) {
			var list landfallv1alpha1.TemplateInstanceList
			if err := c.List(ctx, &list, client.InNamespace(s.Name)); err != nil {
				return out
			}
			for _, ti := range list.Items {
				out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ti.Namespace, Name: ti.Name}})
			}
		}
		return out
	}
	// A stalled Space waits for something besides itself to change; these
	// map that change to it, or the stall would hold until the Space
	// itself changed. A template fixed (a new space stalled on it has no
	// instance to be found by):
	spacesOfTemplate := func(ctx context.Context, o client.Object) []reconcile.Request {
		var out []reconcile.Request
		for _, req := range instancesOfTemplate(ctx, o) {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: req.Namespace}})
		}
		var all landfallv1alpha1.SpaceList
		if err := c.List(ctx, &all); err != nil {
			return out
		}
		return append(out, stalledOn(all.Items, landfallv1alpha1.RenderFailedReason, landfallv1alpha1.TemplateConflictReason)...)
	}
	// a space of the account gone, making room under its limit:
	stalledSiblings := func(ctx context.Context, o client.Object) []reconcile.Request {
		s, ok := o.(*landfallv1alpha1.Space)
		if !ok {
			return nil
		}
		var list landfallv1alpha1.SpaceList
		if err := c.List(ctx, &list, client.MatchingFields{tenancy.SpaceAccountIndex: s.Spec.Account}); err != nil {
			return nil
		}
		return stalledOn(list.Items, landfallv1alpha1.SpaceLimitExceededReason)
	}
	// the namespace of another owner, of the space's name, deleted:
	conflictingSpace := func(ctx context.Context, o client.Object) []reconcile.Request {
		var s landfallv1alpha1.Space
		if err := c.Get(ctx, types.NamespacedName{Name: o.GetName()}, &s); err != nil {
			return nil
		}
		return stalledOn([]landfallv1alpha1.Space{s}, landfallv1alpha1.NamespaceConflictReason)
	}
	hasLabel := func(key string) predicate.Predicate {
		return predicate.NewPredicateFuncs(func(o client.Object) bool { _, ok := o.GetLabels()[key]; return ok })
	}

	// The watches pass only what can change a Space's outcome, so a Ready
	// space is never reconciled again until something it depends on
	// changes (there is no periodic resync: drift arrives by watch). The
	// Space's own status patches and the creates of what it made itself
	// come back as events and are filtered out; each of them would
	// otherwise cost a full reconcile per space. Namespaces are watched
	// (and read) as metadata only; RoleBindings in full, since the
	// reconciler reads their subjects (one informer, not two).
	space := &SpaceReconciler{Client: c, APIReader: mgr.GetAPIReader()}
	if err := ctrl.NewControllerManagedBy(mgr).Named(SpaceControllerName).
		For(&landfallv1alpha1.Space{}, builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, deletionPredicate()))).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(spaceOf), builder.WithPredicates(hasLabel(tenancy.LabelSpace), metadataDriftPredicate())).
		Watches(&landfallv1alpha1.TemplateInstance{}, handler.EnqueueRequestsFromMapFunc(spaceOf), builder.WithPredicates(instanceReadyChangedPredicate())).
		Watches(&rbacv1.RoleBinding{}, handler.EnqueueRequestsFromMapFunc(spaceOf), builder.WithPredicates(hasLabel(tenancy.LabelAccount), updateDeletePredicate())).
		Watches(&landfallv1alpha1.Account{}, handler.EnqueueRequestsFromMapFunc(spacesOfAccount), builder.WithPredicates(predicate.Or[client.Object](
			predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}, deletionPredicate()))).
		Watches(&landfallv1alpha1.Template{}, handler.EnqueueRequestsFromMapFunc(spacesOfTemplate), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&landfallv1alpha1.Space{}, handler.EnqueueRequestsFromMapFunc(stalledSiblings), builder.WithPredicates(deletePredicate())).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(conflictingSpace), builder.WithPredicates(deletePredicate())).
		WithOptions(copts).Complete(space); err != nil {
		return fmt.Errorf("setting up space reconciler: %w", err)
	}

	instance := &TemplateInstanceReconciler{Client: c, APIReader: mgr.GetAPIReader()}
	owned := func(_ context.Context, o client.Object) []reconcile.Request {
		if t := o.GetLabels()[tenancy.LabelTemplate]; t != "" {
			return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: t}}}
		}
		return nil
	}
	// Drift of the objects an instance made: deletes, and changes to
	// their spec (generation), labels, annotations or owner. Their
	// creates are the instance's own doing, and status updates (the
	// ResourceQuota's usage) are not drift.
	drift := builder.WithPredicates(hasLabel(tenancy.LabelTemplate), metadataDriftPredicate())
	b := ctrl.NewControllerManagedBy(mgr).Named(TemplateInstanceControllerName).
		For(&landfallv1alpha1.TemplateInstance{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&landfallv1alpha1.Template{}, handler.EnqueueRequestsFromMapFunc(instancesOfTemplate), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&landfallv1alpha1.Account{}, handler.EnqueueRequestsFromMapFunc(instancesOfAccount), builder.WithPredicates(labelsUpdatedPredicate()))
	for _, kind := range []client.Object{&corev1.ResourceQuota{}, &corev1.LimitRange{}, &networkingv1.NetworkPolicy{}} {
		b = b.WatchesMetadata(kind, handler.EnqueueRequestsFromMapFunc(owned), drift)
	}
	if err := b.WithOptions(copts).Complete(instance); err != nil {
		return fmt.Errorf("setting up template instance reconciler: %w", err)
	}

	account := &AccountReconciler{Client: c, APIReader: mgr.GetAPIReader()}
	accountOfSpace := func(_ context.Context, o client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: o.(*landfallv1alpha1.Space).Spec.Account}}}
	}
	accountOfQuota := func(_ context.Context, o client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: o.(*landfallv1alpha1.AccountQuota).Spec.Account}}}
	}
	ownerAccount := handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), &landfallv1alpha1.Account{}, handler.OnlyControllerOwner())
	if err := ctrl.NewControllerManagedBy(mgr).Named(AccountControllerName).
		For(&landfallv1alpha1.Account{}, builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, deletionPredicate()))).
		Watches(&landfallv1alpha1.Space{}, handler.EnqueueRequestsFromMapFunc(accountOfSpace), builder.WithPredicates(createDeletePredicate())).
		Watches(&landfallv1alpha1.AccountQuota{}, handler.EnqueueRequestsFromMapFunc(accountOfQuota), builder.WithPredicates(accountQuotaUsageChanged())).
		WatchesMetadata(&rbacv1.ClusterRole{}, ownerAccount, builder.WithPredicates(account.rbacDriftPredicate())).
		WatchesMetadata(&rbacv1.ClusterRoleBinding{}, ownerAccount, builder.WithPredicates(account.rbacDriftPredicate())).
		WithOptions(copts).Complete(account); err != nil {
		return fmt.Errorf("setting up account reconciler: %w", err)
	}

	recount := opts.QuotaRecountInterval
	if recount <= 0 {
		recount = DefaultQuotaRecountInterval
	}
	quota := &AccountQuotaReconciler{Client: c, APIReader: mgr.GetAPIReader(), RESTMapper: mgr.GetRESTMapper(), RecountInterval: recount}
	quotasOfAccount := func(ctx context.Context, account string) []reconcile.Request {
		var list landfallv1alpha1.AccountQuotaList
		if err := c.List(ctx, &list, client.MatchingFields{tenancy.QuotaAccountIndex: account}); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, q := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: q.Name}})
		}
		return out
	}
	// A Space's create, and its delete once its namespace is gone, from
	// the event's object: a deleted Space is no longer in the cache.
	quotasOfSpace := func(ctx context.Context, o client.Object) []reconcile.Request {
		s, ok := o.(*landfallv1alpha1.Space)
		if !ok {
			return nil
		}
		return quotasOfAccount(ctx, s.Spec.Account)
	}
	// An object in a space. Nothing while the space is being deleted:
	// the namespace controller then deletes everything in it, one event
	// (and one full recount) each, and the Space's delete brings the one
	// recount that matters.
	quotasOfObject := func(ctx context.Context, o client.Object) []reconcile.Request {
		var s landfallv1alpha1.Space
		if err := c.Get(ctx, types.NamespacedName{Name: o.GetNamespace()}, &s); err != nil || !s.DeletionTimestamp.IsZero() {
			return nil
		}
		return quotasOfAccount(ctx, s.Spec.Account)
	}
	// Creates are reserved at admission, and the reservation brings the
	// recount; deletes give usage back (replenishment), so each deleted
	// object the quota can limit brings one too (Secrets: see
	// replenishedKinds). Pods are watched for creates as well: a pod's
	// usage is only known once it exists.
	qb := ctrl.NewControllerManagedBy(mgr).Named(AccountQuotaControllerName).
		For(&landfallv1alpha1.AccountQuota{}, builder.WithPredicates(ledgerChangedPredicate())).
		WatchesMetadata(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(quotasOfObject), builder.WithPredicates(createDeletePredicate())).
		Watches(&landfallv1alpha1.Space{}, handler.EnqueueRequestsFromMapFunc(quotasOfSpace), builder.WithPredicates(createDeletePredicate()))
	for _, kind := range replenishedKinds() {
		if gr, ok := usageCanFall(kind, mgr.GetScheme()); ok {
			qb = qb.Watches(kind, handler.EnqueueRequestsFromMapFunc(quotasOfObject), builder.WithPredicates(usageChangedPredicate(gr)))
			continue
		}
		qb = qb.WatchesMetadata(kind, handler.EnqueueRequestsFromMapFunc(quotasOfObject), builder.WithPredicates(deletePredicate()))
	}
	if err := qb.WithOptions(copts).Complete(quota); err != nil {
		return fmt.Errorf("setting up account quota reconciler: %w", err)
	}

	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		// Uncached, so the manager never caches every ClusterRole (it
		// caches only the per-account ones' metadata: CacheOptions).
		c, err := client.New(mgr.GetConfig(), client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
		if err != nil {
			return fmt.Errorf("creating client: %w", err)
		}
		return EnsureSpaceRoles(ctx, c)
	})); err != nil {
		return fmt.Errorf("adding space role runnable: %w", err)
	}
	return nil
}

// updateDeletePredicate drops creates: the watches that use it are on
// objects the reconciler creates itself, whose create event would only
// bring back the reconcile that made them. An informer's initial list
// also arrives as creates; the reconciled Kind's own creates cover
// those.
func updateDeletePredicate() predicate.Predicate {
	return predicate.Funcs{CreateFunc: func(event.CreateEvent) bool { return false }}
}

// metadataDriftPredicate passes deletes and updates that change what a
// reconciler set on an object it made: the spec (generation), labels,
// annotations or owner references, or that start its deletion. Creates
// are dropped (updateDeletePredicate), and so are status-only updates,
// which change the resourceVersion and nothing of these. Kinds without a
// generation (ResourceQuota, LimitRange) show spec edits only by their
// resourceVersion, which their status updates change too; for those the
// template-objects webhook is the guard and a delete is still reverted.
func metadataDriftPredicate() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(event.CreateEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, n := e.ObjectOld, e.ObjectNew
			return o.GetGeneration() != n.GetGeneration() ||
				!maps.Equal(o.GetLabels(), n.GetLabels()) ||
				!maps.Equal(o.GetAnnotations(), n.GetAnnotations()) ||
				!equality.Semantic.DeepEqual(o.GetOwnerReferences(), n.GetOwnerReferences()) ||
				o.GetDeletionTimestamp().IsZero() != n.GetDeletionTimestamp().IsZero()
		},
	}
}

// instanceReadyChangedPredicate passes the TemplateInstance events a
// Space waits for: an instance becoming ready (or unready) for its
// current generation or failing for another reason, and deletes (the Space applies it again). Creates
// pass only for ready instances (an informer relist can show an instance
// first when it is ready already); the Space's own create of an instance
// is dropped, and so are status patches that keep readiness (inventory,
// template generation).
func instanceReadyChangedPredicate() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(e event.CreateEvent) bool {
			ti, ok := e.Object.(*landfallv1alpha1.TemplateInstance)
			return !ok || instanceReady(ti)
		},
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, ok1 := e.ObjectOld.(*landfallv1alpha1.TemplateInstance)
			n, ok2 := e.ObjectNew.(*landfallv1alpha1.TemplateInstance)
			if !ok1 || !ok2 {
				return true
			}
			return instanceReady(o) != instanceReady(n) || readyReason(o) != readyReason(n)
		},
	}
}

// readyReason returns the reason of an instance's Ready condition ("" when
// it has none): a failing instance changes it once, and the Space waiting
// for it then reports why it is not ready.
func readyReason(ti *landfallv1alpha1.TemplateInstance) string {
	if c := meta.FindStatusCondition(ti.Status.Conditions, landfallv1alpha1.ReadyCondition); c != nil {
		return c.Reason
	}
	return ""
}

// instanceReady reports whether an instance has applied its current
// spec: the Space binds its subjects only then.
func instanceReady(ti *landfallv1alpha1.TemplateInstance) bool {
	return ti.Status.ObservedGeneration == ti.Generation && meta.IsStatusConditionTrue(ti.Status.Conditions, landfallv1alpha1.ReadyCondition)
}

// createDeletePredicate passes creates and deletes only.
func createDeletePredicate() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(event.UpdateEvent) bool { return false }}
}

// labelsUpdatedPredicate passes updates that change the labels, only.
// An informer's initial list arrives as creates: the watched objects'
// dependants are reconciled then anyway.
func labelsUpdatedPredicate() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			return e.ObjectOld != nil && e.ObjectNew != nil && !maps.Equal(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels())
		},
	}
}

// deletePredicate passes deletes only.
func deletePredicate() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		UpdateFunc:  func(event.UpdateEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
}

// stalledOn returns requests for the spaces of items stalled for one of
// reasons.
func stalledOn(items []landfallv1alpha1.Space, reasons ...string) []reconcile.Request {
	var out []reconcile.Request
	for i := range items {
		c := meta.FindStatusCondition(items[i].Status.Conditions, landfallv1alpha1.StalledCondition)
		if c != nil && c.Status == metav1.ConditionTrue && slices.Contains(reasons, c.Reason) {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: items[i].Name}})
		}
	}
	return out
}

// replenishedKinds are the kinds besides pods whose deletes give account
// quota back: tenancy.QuotaResources (TestReplenishedKinds keeps them
// equal), except Secrets. A watch of the Secrets of every
// namespace is what `landfall detect` reports as credential access
// (secrets-listed-all-namespaces), and it would make the manager hold
// every credential's metadata; Secret deletes wait for the periodic
// recount instead (TenancyOptions.QuotaRecountInterval).
func replenishedKinds() []client.Object {
	return []client.Object{
		&corev1.Service{}, &corev1.ConfigMap{}, &corev1.PersistentVolumeClaim{}, &corev1.ReplicationController{},
		&appsv1.Deployment{}, &appsv1.StatefulSet{}, &appsv1.DaemonSet{}, &appsv1.ReplicaSet{},
		&batchv1.Job{}, &batchv1.CronJob{},
	}
}

// usageCanFall reports whether an update of kind can lower its usage, so
// that the quota is recounted on it as on a delete (a Service made a
// ClusterIP, a claim whose expansion was rolled back): the increase of
// the next update is then measured against what is used, not what was.
// Those are the kinds whose updates can raise it (tenancy.QuotaUpdates,
// the object itself). It returns the kind's resource. Those kinds are
// watched in full, so only an update that changes the usage
// (usageChangedPredicate) brings a recount, not the status or annotation
// updates they get; both are few. Pods, which change all the time, wait
// for the periodic recount (a pod resized down).
func usageCanFall(kind client.Object, scheme *runtime.Scheme) (schema.GroupResource, bool) {
	gvk, err := apiutil.GVKForObject(kind, scheme)
	if err != nil {
		return schema.GroupResource{}, false
	}
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	gr := plural.GroupResource()
	return gr, tenancy.UpdateRaisesUsage(gr, "")
}

// usageChangedPredicate passes deletes, and updates that change the
// object's quota usage (tenancy.Usage of the cached objects, typed).
func usageChangedPredicate(gr schema.GroupResource) predicate.Predicate {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			return !equality.Semantic.DeepEqual(tenancy.Usage(gr, e.ObjectOld), tenancy.Usage(gr, e.ObjectNew))
		},
	}
}

// deletionPredicate passes updates that start a deletion.
func deletionPredicate() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld.GetDeletionTimestamp().IsZero() && !e.ObjectNew.GetDeletionTimestamp().IsZero()
	}}
}

// accountQuotaUsageChanged passes what Account.status.quotas shows: an
// AccountQuota's create and delete, a move to another account, and a
// change of its counted usage or limits; not the reservations every
// admitted create writes.
func accountQuotaUsageChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		o, ok1 := e.ObjectOld.(*landfallv1alpha1.AccountQuota)
		n, ok2 := e.ObjectNew.(*landfallv1alpha1.AccountQuota)
		if !ok1 || !ok2 {
			return true
		}
		return o.Spec.Account != n.Spec.Account || !equality.Semantic.DeepEqual(o.Status.Used, n.Status.Used) ||
			!equality.Semantic.DeepEqual(o.Status.Hard, n.Status.Hard) || !equality.Semantic.DeepEqual(o.Spec.Quota.Hard, n.Spec.Quota.Hard)
	}}
}

// ledgerChangedPredicate passes spec changes and ledger changes (a
// reservation made at admission must be settled even if its create
// failed).
func ledgerChangedPredicate() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		o, ok1 := e.ObjectOld.(*landfallv1alpha1.AccountQuota)
		n, ok2 := e.ObjectNew.(*landfallv1alpha1.AccountQuota)
		if !ok1 || !ok2 {
			return true
		}
		return o.Generation != n.Generation || len(o.Status.Reservations) < len(n.Status.Reservations)
	}}
}

// SpaceRoles returns the default ClusterRoles of spaces: landfall-space-admin
// aggregates the built-in admin role and every role labelled
// landfall.dev/aggregate-to-space-admin, such as
// landfall-space-admin-namespace, which lets the subjects get and delete
// the space's own namespace (a RoleBinding in a namespace covers that
// namespace object only), and landfall-space-admin-posture, which lets
// them read the posture findings of their spaces (PostureFindings), not
// the cluster-wide PostureReport.
func SpaceRoles() []*rbacv1.ClusterRole {
	return []*rbacv1.ClusterRole{
		{
			ObjectMeta: metav1.ObjectMeta{Name: landfallv1alpha1.DefaultSpaceClusterRole},
			AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{
				{MatchLabels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-admin": "true"}},
				{MatchLabels: map[string]string{aggregateToSpaceAdminKey: "true"}},
			}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: landfallv1alpha1.DefaultSpaceClusterRole + "-namespace", Labels: map[string]string{aggregateToSpaceAdminKey: "true"}},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "delete"}}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: landfallv1alpha1.DefaultSpaceClusterRole + "-posture", Labels: map[string]string{aggregateToSpaceAdminKey: "true"}},
			Rules: []rbacv1.PolicyRule{{
				APIGroups: []string{landfallv1alpha1.Group}, Resources: []string{"posturefindings"}, Verbs: []string{"get", "list", "watch"},
			}},
		},
	}
}

// EnsureSpaceRoles creates the default space ClusterRoles when absent and
// leaves existing ones as the platform team made them. It reads before it
// creates: creating an aggregated role takes escalate, which the manager's
// own role does not hold, so under least privilege the roles come from
// config/rbac/space_admin_role.yaml and this only checks they are there.
func EnsureSpaceRoles(ctx context.Context, c client.Client) error {
	for _, role := range SpaceRoles() {
		err := c.Get(ctx, client.ObjectKeyFromObject(role), &rbacv1.ClusterRole{})
		if err == nil {
			continue
		}
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("reading cluster role %s: %w", role.Name, err)
		}
		if err := c.Create(ctx, role); err != nil && !apierrors.IsAlreadyExists(err) {
			if apierrors.IsForbidden(err) {
				return fmt.Errorf("creating cluster role %s (apply config/rbac/space_admin_role.yaml as a platform admin): %w", role.Name, err)
			}
			return fmt.Errorf("creating cluster role %s: %w", role.Name, err)
		}
	}
	return nil
}
