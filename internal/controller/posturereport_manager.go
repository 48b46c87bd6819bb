package controller

import (
	"context"
	"fmt"
	"maps"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// PostureReportControllerName names the controller, its logger and its
// events.
const PostureReportControllerName = "landfall-posturereport"

// DefaultPostureRetry is the backoff after a failed scan; a retry never
// comes sooner than the report's minInterval.
var DefaultPostureRetry = Backoff{Initial: 10 * time.Second, Max: 10 * time.Minute}

// PostureReportReconcilerOptions are the setup knobs of the PostureReport
// reconciler.
type PostureReportReconcilerOptions struct {
	// Retry is the backoff for failed scans; zero means
	// DefaultPostureRetry.
	Retry Backoff
	// DefaultInterval, when positive, makes the manager create the
	// PostureReport "cluster" with this spec.interval if there is none.
	// An existing report is left as it is.
	DefaultInterval time.Duration
}

// SetupWithManager registers the reconciler, its change watches and, with
// opts.DefaultInterval, a runnable that creates the default report.
//
// The report reconciles on spec changes (generation), on its own
// RequeueAfter schedule and when a watched object changes: Namespaces,
// Pods and NetworkPolicies (creates, deletes, and updates of generation,
// labels, annotations or owners), Services, RoleBindings,
// ClusterRoleBindings and webhook configurations (any update). Those are
// the objects behind most findings and cheap to watch: all but
// RoleBindings as metadata, and every informer but Services' and the
// webhook configurations' is shared with another controller. Changes to other kinds (ConfigMaps, Secrets, workloads
// without new pods) wait for the interval. Creates from the informers'
// initial lists (objects older than the manager) are not changes.
func (r *PostureReportReconciler) SetupWithManager(mgr ctrl.Manager, opts PostureReportReconcilerOptions) error {
	r.retry = opts.Retry
	if r.retry.Initial <= 0 {
		r.retry = DefaultPostureRetry
	}
	r.metrics = registeredPostureMetrics()
	r.started = r.now()

	changed := handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		r.changed.Store(true)
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: landfallv1alpha1.PostureReportName}}}
	})
	objectChanged := builder.WithPredicates(postureChangePredicate(r.started, false))
	anyUpdate := builder.WithPredicates(postureChangePredicate(r.started, true))
	err := ctrl.NewControllerManagedBy(mgr).
		Named(PostureReportControllerName).
		For(&landfallv1alpha1.PostureReport{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesMetadata(&corev1.Namespace{}, changed, objectChanged).
		WatchesMetadata(&corev1.Pod{}, changed, objectChanged).
		WatchesMetadata(&networkingv1.NetworkPolicy{}, changed, objectChanged).
		WatchesMetadata(&corev1.Service{}, changed, anyUpdate).
		Watches(&rbacv1.RoleBinding{}, changed, anyUpdate).
		WatchesMetadata(&rbacv1.ClusterRoleBinding{}, changed, anyUpdate).
		WatchesMetadata(&admissionregistrationv1.MutatingWebhookConfiguration{}, changed, anyUpdate).
		WatchesMetadata(&admissionregistrationv1.ValidatingWebhookConfiguration{}, changed, anyUpdate).
		// One worker: the report is a singleton, and scans must not
		// overlap.
		WithOptions(controller.Options{MaxConcurrentReconciles: 1}).
		Complete(r)
	if err != nil {
		return err
	}
	if opts.DefaultInterval > 0 {
		c := mgr.GetClient()
		if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
			return EnsurePostureReport(ctx, c, opts.DefaultInterval)
		})); err != nil {
			return fmt.Errorf("adding default posture report runnable: %w", err)
		}
	}
	return nil
}

// EnsurePostureReport creates the PostureReport "cluster" with the given
// interval if there is none; an existing one is left as it is.
func EnsurePostureReport(ctx context.Context, c client.Client, interval time.Duration) error {
	obj := &landfallv1alpha1.PostureReport{
		ObjectMeta: metav1.ObjectMeta{Name: landfallv1alpha1.PostureReportName},
		Spec:       landfallv1alpha1.PostureReportSpec{Interval: &metav1.Duration{Duration: interval}},
	}
	if err := c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating posture report %s: %w", obj.Name, err)
	}
	return nil
}

// postureChangePredicate passes the events that may change the posture:
// creates of objects created after the manager started (the informers'
// initial lists show every older object as a create), deletes, and
// updates that change the generation, labels, annotations or owners or
// start a deletion; with anyUpdate, every update that changes the object
// (kinds without a generation whose spec matters: RBAC bindings, Services,
// webhook configurations). Periodic resyncs (same resourceVersion) never
// pass.
func postureChangePredicate(started time.Time, anyUpdate bool) predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(e event.CreateEvent) bool {
			return !e.Object.GetCreationTimestamp().Time.Before(started.Truncate(time.Second))
		},
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, n := e.ObjectOld, e.ObjectNew
			if o.GetResourceVersion() == n.GetResourceVersion() {
				return false
			}
			return anyUpdate || o.GetGeneration() != n.GetGeneration() ||
				!maps.Equal(o.GetLabels(), n.GetLabels()) ||
				!maps.Equal(o.GetAnnotations(), n.GetAnnotations()) ||
				!equality.Semantic.DeepEqual(o.GetOwnerReferences(), n.GetOwnerReferences()) ||
				o.GetDeletionTimestamp().IsZero() != n.GetDeletionTimestamp().IsZero()
		},
	}
}
