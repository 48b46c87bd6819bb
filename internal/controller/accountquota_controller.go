package controller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// +kubebuilder:rbac:groups=landfall.dev,resources=accountquotas/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=pods;persistentvolumeclaims;replicationcontrollers,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=services;configmaps,verbs=list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=list
// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets;daemonsets;replicasets,verbs=list;watch
// +kubebuilder:rbac:groups=batch,resources=jobs;cronjobs,verbs=list;watch

// AccountQuotaReconciler recounts the usage of an account's spaces into
// the quota's status.used and settles the reservation ledger: reservations
// whose objects are now counted are dropped, and so are reservations older
// than tenancy.ReservationTTL whose objects never appeared (the create
// failed after admission). The status is written with optimistic
// concurrency, like the admission webhook's reservations, so neither
// overwrites the other. Usage is counted with uncached lists so the
// manager never caches every pod of the cluster.
type AccountQuotaReconciler struct {
	// Client reads (cached) Spaces and writes the quota status.
	client.Client
	// APIReader lists the objects counted, uncached.
	APIReader client.Reader
	// RESTMapper finds the kinds of count/<resource>.<group> limits.
	RESTMapper meta.RESTMapper
	// RecountInterval is how often a quota is recounted without an event
	// (TenancyOptions.QuotaRecountInterval); 0 recounts on events only.
	RecountInterval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Reconcile recounts one AccountQuota and patches its status once.
func (r *AccountQuotaReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.AccountQuota{}
	// Uncached: the ledger changes at every admission.
	if err := r.APIReader.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	base := obj.DeepCopy()
	defer func() {
		result, retErr = r.finalizeStatus(ctx, base, obj, retErr)
	}()
	return ctrl.Result{}, r.reconcile(ctx, obj)
}

// reconcile counts usage over the account's spaces and settles the ledger.
func (r *AccountQuotaReconciler) reconcile(ctx context.Context, obj *landfallv1alpha1.AccountQuota) error {
	var spaces landfallv1alpha1.SpaceList
	if err := r.List(ctx, &spaces, client.MatchingFields{tenancy.SpaceAccountIndex: obj.Spec.Account}); err != nil {
		return fmt.Errorf("listing spaces of account %s: %w", obj.Spec.Account, err)
	}
	// In name order: a sum takes the format of its first term, and a
	// recount that finds the same usage must write the same status.
	slices.SortFunc(spaces.Items, func(a, b landfallv1alpha1.Space) int { return strings.Compare(a.Name, b.Name) })
	// Only what the webhook reserves is counted: a limit it cannot hold
	// must not stop the ledger from settling for the others.
	hard, unsupported := tenancy.SupportedQuota(obj.Spec.Quota.Hard)
	used := corev1.ResourceList{}
	counted := map[string]corev1.ResourceList{}
	for _, s := range spaces.Items {
		u, err := r.count(ctx, s.Name, hard, counted)
		if err != nil {
			return err
		}
		used = tenancy.Add(used, u)
	}
	for name := range hard {
		if _, ok := used[name]; !ok {
			used[name] = *resourceZero()
		}
	}
	obj.Status.Hard = hard
	obj.Status.Used = tenancy.Filter(used, hard)
	obj.Status.Reservations = tenancy.Settle(obj.Status.Reservations, func(ns, res, name string) (corev1.ResourceList, bool) {
		u, ok := counted[ns+"/"+res+"/"+name]
		return u, ok
	}, r.now(), tenancy.ReservationTTL)
	if q := obj.Spec.Quota; len(q.Scopes) > 0 || q.ScopeSelector != nil {
		unsupported = append(unsupported, "scopes (limits hold for every object)")
	}
	if len(unsupported) > 0 {
		return stallError(landfallv1alpha1.UnsupportedLimitsReason, fmt.Errorf("not enforced: %s; the others are (see kubectl explain accountquota.spec.quota)", strings.Join(unsupported, ", ")))
	}
	return nil
}

// count returns the usage of one namespace for the limited names and
// records each object it counted with its usage.
func (r *AccountQuotaReconciler) count(ctx context.Context, namespace string, hard corev1.ResourceList, counted map[string]corev1.ResourceList) (corev1.ResourceList, error) {
	used := corev1.ResourceList{}
	for _, gr := range countedResources(hard) {
		key := tenancy.ResourceKey(gr)
		if gr == (schema.GroupResource{Resource: "pods"}) {
			var pods corev1.PodList
			if err := r.APIReader.List(ctx, &pods, client.InNamespace(namespace)); err != nil {
				return nil, fmt.Errorf("listing pods in %s: %w", namespace, err)
			}
			for i := range pods.Items {
				p := &pods.Items[i]
				if !tenancy.PodCounts(p) {
					continue
				}
				u := tenancy.Add(corev1.ResourceList{tenancy.CountResourceName(gr): *resourceOne()}, tenancy.PodUsage(p))
				counted[namespace+"/"+key+"/"+p.Name] = u
				used = tenancy.Add(used, u)
			}
			continue
		}
		items, err := r.listFull(ctx, namespace, gr)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			u, err := tenancy.ObjectUsage(gr, it.raw)
			if err != nil {
				return nil, fmt.Errorf("counting %s %s/%s: %w", key, namespace, it.name, err)
			}
			counted[namespace+"/"+key+"/"+it.name] = u
			used = tenancy.Add(used, u)
		}
	}
	return used, nil
}

// finalizeStatus summarises the outcome and writes the status with
// optimistic concurrency: a conflict (a reservation made meanwhile) is
// retried by a new reconcile. While reservations are pending it requeues
// for when the oldest expires.
func (r *AccountQuotaReconciler) finalizeStatus(ctx context.Context, base, obj *landfallv1alpha1.AccountQuota, err error) (ctrl.Result, error) {
	result, retErr := summarizeTenancy(tenancyStatus{&obj.Status.Conditions, &obj.Status.ObservedGeneration, obj.Generation}, err,
		landfallv1alpha1.QuotaReconciledReason, usageMessage(obj), 5*time.Second)
	// A recount that found what the status holds writes nothing.
	if !equality.Semantic.DeepEqual(base.Status, obj.Status) {
		patch := client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})
		if perr := r.Status().Patch(ctx, obj, patch); perr != nil {
			if apierrors.IsNotFound(perr) {
				return ctrl.Result{}, nil
			}
			if apierrors.IsConflict(perr) {
				return ctrl.Result{RequeueAfter: 100 * time.Millisecond}, nil
			}
			return ctrl.Result{}, errors.Join(retErr, fmt.Errorf("patching status: %w", perr))
		}
	}
	// The ledger is current after a pass that counted, unsupported
	// limits or not: settle and recount on schedule.
	re, isReconcileErr := asReconcileError(err)
	counted := err == nil || isReconcileErr && re.reason == landfallv1alpha1.UnsupportedLimitsReason
	if next := tenancy.NextSettle(obj.Status.Reservations, r.now(), tenancy.ReservationTTL); counted && next > 0 {
		result.RequeueAfter = min(next, 2*time.Second)
	}
	if every := r.RecountInterval; counted && every > 0 && len(obj.Status.Hard) > 0 && (result.RequeueAfter == 0 || every < result.RequeueAfter) {
		result.RequeueAfter = every
	}
	return result, retErr
}

// usageMessage is "pods 3/5, requests.cpu 1/2".
func usageMessage(obj *landfallv1alpha1.AccountQuota) string {
	var parts []string
	for name, hard := range obj.Spec.Quota.Hard {
		u := obj.Status.Used[name]
		parts = append(parts, fmt.Sprintf("%s %s/%s", name, u.String(), hard.String()))
	}
	slices.Sort(parts)
	if n := len(obj.Status.Reservations); n > 0 {
		parts = append(parts, fmt.Sprintf("%d reservation(s) pending", n))
	}
	return strings.Join(parts, ", ")
}

func (r *AccountQuotaReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
