package controller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// RBAC of the template instance reconciler: every kind a template may
// hold. Objects are server-side applied (create and patch), read back and
// deleted when pruned (get, delete); the kinds it watches for drift
// (ResourceQuota, LimitRange, NetworkPolicy) also need list and watch.
// secrets: templates may hold Secrets, so the manager may write them in
// any namespace, but it never lists or watches (caches) them for this;
// the account quota reconciler's list on secrets only counts them. A
// template using another kind needs a marker here (and hack/generate.sh).
//
// +kubebuilder:rbac:groups=landfall.dev,resources=templateinstances/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=accounts,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=resourcequotas;limitranges,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups="",resources=configmaps;secrets;serviceaccounts;services,verbs=get;create;patch;delete

// TemplateInstanceReconciler applies a Template to the namespace of the
// instance by server-side apply with Landfall's field manager, records the
// objects in the inventory, prunes objects removed from the template and
// reverts drift (it watches the objects it made). Objects are owned by the
// instance, so deleting it deletes them. The manager must be allowed to
// manage every kind the templates use.
type TemplateInstanceReconciler struct {
	// Client reads (cached) and writes objects.
	client.Client
	// APIReader reads objects to prune without starting an informer for
	// their kind.
	APIReader client.Reader
}

// Reconcile applies one instance and patches its status once.
func (r *TemplateInstanceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.TemplateInstance{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		// The objects are owned by the instance: garbage collection
		// deletes them.
		return ctrl.Result{}, nil
	}
	base := obj.DeepCopy()
	defer func() {
		result, retErr = r.finalizeStatus(ctx, base, obj, retErr)
	}()
	return ctrl.Result{}, r.reconcile(ctx, obj)
}

// reconcile renders the template, applies every object and prunes the
// ones no longer rendered.
func (r *TemplateInstanceReconciler) reconcile(ctx context.Context, obj *landfallv1alpha1.TemplateInstance) error {
	tpl := &landfallv1alpha1.Template{}
	if err := r.Get(ctx, types.NamespacedName{Name: obj.Spec.Template}, tpl); err != nil {
		if apierrors.IsNotFound(err) {
			return retryError(landfallv1alpha1.TemplateNotFoundReason, fmt.Errorf("template %s not found", obj.Spec.Template))
		}
		return fmt.Errorf("reading template %s: %w", obj.Spec.Template, err)
	}
	if obj.Spec.Suspend && obj.Status.TemplateGeneration != 0 {
		return nil
	}
	scope, err := r.scope(ctx, obj.Namespace)
	if err != nil {
		return err
	}
	rendered, err := tenancy.Render(tpl, obj.Spec.Parameters, scope)
	if err != nil {
		return stallError(landfallv1alpha1.RenderFailedReason, err)
	}
	owner := metav1.OwnerReference{
		APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.TemplateInstanceKind,
		Name: obj.Name, UID: obj.UID, Controller: ptr.To(true),
	}
	var inventory []landfallv1alpha1.ObjectReference
	for i, u := range rendered.Objects {
		u.SetOwnerReferences([]metav1.OwnerReference{owner})
		if err := applyUnstructured(ctx, r.Client, u); err != nil {
			return retryError(landfallv1alpha1.ApplyFailedReason, fmt.Errorf("applying resources[%d] %s %s: %w", i, u.GetKind(), u.GetName(), err))
		}
		inventory = append(inventory, landfallv1alpha1.ObjectReference{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Name: u.GetName()})
	}
	for _, old := range obj.Status.Inventory {
		if slices.Contains(inventory, old) {
			continue
		}
		if err := r.prune(ctx, obj, old); err != nil {
			return retryError(landfallv1alpha1.ApplyFailedReason, err)
		}
	}
	obj.Status.Inventory = inventory
	obj.Status.TemplateGeneration = tpl.Generation
	return nil
}

// scope returns what the template is rendered for: the namespace's space
// and account, from the labels Landfall set.
func (r *TemplateInstanceReconciler) scope(ctx context.Context, namespace string) (tenancy.Scope, error) {
	ns := namespaceMetadata(namespace)
	if err := r.Get(ctx, client.ObjectKeyFromObject(ns), ns); err != nil {
		return tenancy.Scope{}, fmt.Errorf("reading namespace %s: %w", namespace, err)
	}
	scope := tenancy.Scope{Space: namespace, Account: ns.Labels[tenancy.LabelAccount]}
	if scope.Account == "" {
		return scope, nil
	}
	account := &landfallv1alpha1.Account{}
	if err := r.Get(ctx, types.NamespacedName{Name: scope.Account}, account); err != nil {
		if apierrors.IsNotFound(err) {
			return scope, stallError(landfallv1alpha1.AccountNotFoundReason, fmt.Errorf("account %s not found", scope.Account))
		}
		return scope, fmt.Errorf("reading account %s: %w", scope.Account, err)
	}
	scope.AccountLabels = account.Labels
	return scope, nil
}

// prune deletes an object the template no longer renders, if it is still
// this instance's.
func (r *TemplateInstanceReconciler) prune(ctx context.Context, obj *landfallv1alpha1.TemplateInstance, ref landfallv1alpha1.ObjectReference) error {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind))
	if err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: obj.Namespace, Name: ref.Name}, u); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("reading %s %s to prune: %w", ref.Kind, ref.Name, err)
	}
	if !metav1.IsControlledBy(u, obj) {
		return nil
	}
	if err := r.Delete(ctx, u); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("pruning %s %s: %w", ref.Kind, ref.Name, err)
	}
	ctrl.LoggerFrom(ctx).Info("pruned object removed from template", "kind", ref.Kind, "name", ref.Name)
	return nil
}

// finalizeStatus summarises the outcome and patches the status once.
func (r *TemplateInstanceReconciler) finalizeStatus(ctx context.Context, base, obj *landfallv1alpha1.TemplateInstance, err error) (ctrl.Result, error) {
	result, retErr := summarizeTenancy(tenancyStatus{&obj.Status.Conditions, &obj.Status.ObservedGeneration, obj.Generation}, err,
		landfallv1alpha1.AppliedReason, fmt.Sprintf("%d object(s) of template %s applied", len(obj.Status.Inventory), obj.Spec.Template), 5*time.Second)
	if equality.Semantic.DeepEqual(base.Status, obj.Status) {
		// Nothing changed (a drift revert, a template change that
		// renders the same): no patch, so no event for the Space.
		return result, retErr
	}
	if perr := r.Status().Patch(ctx, obj, client.MergeFrom(base)); perr != nil {
		if apierrors.IsNotFound(perr) {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, errors.Join(retErr, fmt.Errorf("patching status: %w", perr))
	}
	return result, retErr
}
