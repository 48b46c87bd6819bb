package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// AccountRoleName returns the name of the ClusterRole and
// ClusterRoleBinding that let an account's subjects read their Account and
// Spaces, create Spaces and delete their own.
func AccountRoleName(account string) string { return "landfall-account-" + account }

// RBAC of the account reconciler. The sensitive verbs, and why:
//
//   - clusterroles and clusterrolebindings create, patch: the per-account
//     role (get its Account, create Spaces, get and delete its Spaces by
//     name, read Templates) and its binding to the subjects. The API
//     server only accepts a role whose rights the manager holds itself
//     (RBAC escalation check), which is why the manager holds create on
//     spaces and get on accounts and templates; no escalate is needed.
//     Account deletion removes both by garbage collection (owner
//     references), so there is no delete. get is for EnsureSpaceRoles;
//     list and watch let the manager see someone else change or delete
//     the per-account objects (their metadata only, and of ClusterRoles
//     only the per-account ones: CacheOptions).
//
// +kubebuilder:rbac:groups=landfall.dev,resources=accounts,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=accounts/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=accounts/finalizers,verbs=update
// +kubebuilder:rbac:groups=landfall.dev,resources=accountquotas,verbs=get;list;watch
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=clusterroles;clusterrolebindings,verbs=get;list;watch;create;patch

// AccountReconciler keeps an account's status (its spaces and its
// quotas' usage) and its per-account RBAC current: a ClusterRole granting
// get on the Account and get/delete on its Spaces by name, plus create on
// Spaces (the admission webhook checks the account), bound to the
// subjects. Deleting an Account deletes its spaces, and so their
// namespaces, first (finalizer).
type AccountReconciler struct {
	// Client reads (cached) and writes objects.
	client.Client
	// APIReader reads from the API server what the cache may not have
	// seen yet; nil reads the cache only.
	APIReader client.Reader

	// applied holds, per Account UID, the rbacApplied of its last
	// successful RBAC apply: a reconcile that changes only the status
	// (an AccountQuota's usage, on every counted create and delete)
	// applies nothing, unless the objects drifted (rbacDrifted).
	applied sync.Map
}

// rbacApplied is what reconcileRBAC last applied for an account and the
// resourceVersions the API server gave the two objects for it. Any other
// resourceVersion is someone else's write: an edit, a removal of fields
// (which leaves no managedFields entry of its own) or a delete and
// re-create.
type rbacApplied struct {
	fingerprint string
	roleRV      string
	bindingRV   string
}

// Reconcile brings one Account up to date and patches its status once.
func (r *AccountReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.Account{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, obj)
	}
	if err := ensureFinalizer(ctx, r.Client, obj, tenancy.AccountFinalizer); err != nil {
		return ctrl.Result{}, err
	}
	base := obj.DeepCopy()
	defer func() {
		result, retErr = r.finalizeStatus(ctx, base, obj, retErr)
	}()
	return ctrl.Result{}, r.reconcile(ctx, obj)
}

// reconcile records the spaces and the quotas' usage and applies the
// account's RBAC when it would change (rbacFingerprint) or has drifted
// (rbacDrifted).
func (r *AccountReconciler) reconcile(ctx context.Context, obj *landfallv1alpha1.Account) error {
	spaces, err := r.spaces(ctx, obj.Name)
	if err != nil {
		return err
	}
	quotas, err := r.quotas(ctx, obj.Name)
	if err != nil {
		return err
	}
	setSpaces(&obj.Status, spaces)
	obj.Status.Quotas = quotas
	fingerprint := rbacFingerprint(obj, spaces)
	if last, ok := r.applied.Load(obj.UID); ok && last.(rbacApplied).fingerprint == fingerprint {
		drifted, err := r.rbacDrifted(ctx, AccountRoleName(obj.Name), last.(rbacApplied))
		if err != nil || !drifted {
			return err
		}
	}
	if err := r.reconcileRBAC(ctx, obj, spaces, fingerprint); err != nil {
		r.applied.Delete(obj.UID)
		return err
	}
	return nil
}

// rbacDrifted reports whether the per-account ClusterRole or
// ClusterRoleBinding named name is missing from the cache or has another
// resourceVersion than last applied. The manager watches both (metadata
// only) and reconciles the owning Account on someone else's write
// (rbacDriftPredicate), so a deleted binding or an edited role is
// restored at once, not at the account's next change. A cache that has
// not yet seen Landfall's own apply only costs an apply that changes
// nothing.
func (r *AccountReconciler) rbacDrifted(ctx context.Context, name string, last rbacApplied) (bool, error) {
	for _, o := range [...]struct{ kind, rv string }{{"ClusterRole", last.roleRV}, {"ClusterRoleBinding", last.bindingRV}} {
		m := &metav1.PartialObjectMetadata{}
		m.SetGroupVersionKind(rbacv1.SchemeGroupVersion.WithKind(o.kind))
		if err := r.Get(ctx, client.ObjectKey{Name: name}, m); err != nil {
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, fmt.Errorf("reading %s %s: %w", o.kind, name, err)
		}
		if m.ResourceVersion != o.rv {
			return true, nil
		}
	}
	return false, nil
}

// rbacDriftPredicate passes the events of a per-account ClusterRole or
// ClusterRoleBinding that the account reconciler must answer: a delete,
// or an update that is not one of its own applies (another
// resourceVersion than it recorded for the owning Account, or no longer
// owned by one). Creates, its own applies and other objects are dropped,
// so keeping the RBAC current costs no extra reconcile (reconcileRBAC
// records each object's resourceVersion as soon as its apply returns;
// an event that overtakes that only brings a reconcile that finds
// nothing to do). It is a method, not with the other predicates in
// tenancy_manager.go, because it reads what the reconciler applied.
func (r *AccountReconciler) rbacDriftPredicate() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(event.CreateEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			uid, ok := accountOwner(e.ObjectNew)
			if !ok {
				// An owner reference removed is drift; anything else is
				// not ours.
				_, owned := accountOwner(e.ObjectOld)
				return owned
			}
			last, ok := r.applied.Load(uid)
			if !ok {
				return true
			}
			rv := e.ObjectNew.GetResourceVersion()
			return rv != last.(rbacApplied).roleRV && rv != last.(rbacApplied).bindingRV
		},
		DeleteFunc: func(e event.DeleteEvent) bool {
			_, owned := accountOwner(e.Object)
			return owned
		},
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
}

// accountOwner returns the UID of the Account that controls obj.
func accountOwner(obj metav1.Object) (types.UID, bool) {
	ref := metav1.GetControllerOf(obj)
	if ref == nil || ref.Kind != landfallv1alpha1.AccountKind || ref.APIVersion != landfallv1alpha1.GroupVersion.String() {
		return "", false
	}
	return ref.UID, true
}

// setSpaces records the account's spaces and their count.
func setSpaces(status *landfallv1alpha1.AccountStatus, spaces []string) {
	status.Spaces = spaces
	status.SpaceCount = int32(min(len(spaces), 1<<31-1))
}

// rbacFingerprint is what reconcileRBAC's objects are made from: the
// subjects and the space names (which cannot hold a comma).
func rbacFingerprint(obj *landfallv1alpha1.Account, spaces []string) string {
	subjects, _ := json.Marshal(obj.Spec.Subjects) // plain strings: it cannot fail
	return string(subjects) + "|" + strings.Join(spaces, ",")
}

// quotas returns the account's AccountQuotas, by name, as each last
// counted: the AccountQuota reconciler keeps used current and this one
// copies it when it changes (see accountQuotaUsageChanged).
func (r *AccountReconciler) quotas(ctx context.Context, account string) ([]landfallv1alpha1.AccountQuotaUsage, error) {
	var list landfallv1alpha1.AccountQuotaList
	if err := r.List(ctx, &list, client.MatchingFields{tenancy.QuotaAccountIndex: account}); err != nil {
		return nil, fmt.Errorf("listing account quotas of account %s: %w", account, err)
	}
	var out []landfallv1alpha1.AccountQuotaUsage
	for _, q := range list.Items {
		hard := q.Status.Hard
		if hard == nil {
			hard = q.Spec.Quota.Hard
		}
		out = append(out, landfallv1alpha1.AccountQuotaUsage{Name: q.Name, Hard: hard.DeepCopy(), Used: q.Status.Used.DeepCopy()})
	}
	slices.SortFunc(out, func(a, b landfallv1alpha1.AccountQuotaUsage) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// spaces returns the sorted names of the account's spaces.
func (r *AccountReconciler) spaces(ctx context.Context, account string) ([]string, error) {
	var list landfallv1alpha1.SpaceList
	if err := r.List(ctx, &list, client.MatchingFields{tenancy.SpaceAccountIndex: account}); err != nil {
		return nil, fmt.Errorf("listing spaces of account %s: %w", account, err)
	}
	names := make([]string, 0, len(list.Items))
	for _, s := range list.Items {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	return names, nil
}

// reconcileRBAC applies the per-account ClusterRole and its binding, both
// owned by the Account, and records (in r.applied) the resourceVersion
// each apply got as soon as it returns, so rbacDriftPredicate can tell the
// watch event of that write from someone else's. The fingerprint is
// recorded with the second. Rules naming resources are only added when
// there are names: an empty resourceNames would grant every object.
func (r *AccountReconciler) reconcileRBAC(ctx context.Context, obj *landfallv1alpha1.Account, spaces []string, fingerprint string) error {
	name := AccountRoleName(obj.Name)
	owner := metav1ac.OwnerReference().WithAPIVersion(landfallv1alpha1.GroupVersion.String()).
		WithKind(landfallv1alpha1.AccountKind).WithName(obj.Name).WithUID(obj.UID).WithController(true)
	labels := map[string]string{tenancy.LabelAccount: obj.Name}
	group := landfallv1alpha1.Group
	role := rbacv1ac.ClusterRole(name).WithLabels(labels).WithOwnerReferences(owner).WithRules(
		rbacv1ac.PolicyRule().WithAPIGroups(group).WithResources("accounts").WithVerbs("get").WithResourceNames(obj.Name),
		rbacv1ac.PolicyRule().WithAPIGroups(group).WithResources("spaces").WithVerbs("create"),
		rbacv1ac.PolicyRule().WithAPIGroups(group).WithResources("templates").WithVerbs("get", "list", "watch"),
	)
	if len(spaces) > 0 {
		role = role.WithRules(rbacv1ac.PolicyRule().WithAPIGroups(group).WithResources("spaces").WithVerbs("get", "delete").WithResourceNames(spaces...))
	}
	// Apply reads the API server's answer back into the configuration.
	if err := r.Apply(ctx, role, client.FieldOwner(tenancy.FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("applying cluster role %s: %w", name, err)
	}
	var applied rbacApplied
	if last, ok := r.applied.Load(obj.UID); ok {
		applied.bindingRV = last.(rbacApplied).bindingRV
	}
	// No fingerprint until both are applied: a failure in between
	// applies again.
	applied.roleRV = ptr.Deref(role.ResourceVersion, "")
	r.applied.Store(obj.UID, applied)
	binding := rbacv1ac.ClusterRoleBinding(name).WithLabels(labels).WithOwnerReferences(owner).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(name))
	for _, s := range obj.Spec.Subjects {
		sub := rbacv1ac.Subject().WithKind(s.Kind).WithName(s.Name)
		if s.Kind != rbacv1.ServiceAccountKind {
			sub = sub.WithAPIGroup(rbacv1.GroupName)
		}
		if s.Namespace != "" {
			sub = sub.WithNamespace(s.Namespace)
		}
		binding = binding.WithSubjects(sub)
	}
	if err := r.Apply(ctx, binding, client.FieldOwner(tenancy.FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("applying cluster role binding %s: %w", name, err)
	}
	applied.bindingRV, applied.fingerprint = ptr.Deref(binding.ResourceVersion, ""), fingerprint
	r.applied.Store(obj.UID, applied)
	return nil
}

// reconcileDelete deletes every space of the account and removes the
// finalizer once none is left. The Space finalizer deletes each
// namespace, so no namespace is orphaned, also across manager restarts.
func (r *AccountReconciler) reconcileDelete(ctx context.Context, obj *landfallv1alpha1.Account) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, tenancy.AccountFinalizer) {
		return ctrl.Result{}, nil
	}
	var list landfallv1alpha1.SpaceList
	if err := r.List(ctx, &list, client.MatchingFields{tenancy.SpaceAccountIndex: obj.Name}); err != nil {
		return ctrl.Result{}, fmt.Errorf("listing spaces of account %s: %w", obj.Name, err)
	}
	if len(list.Items) == 0 && r.APIReader != nil {
		// Before the finalizer goes: a Space admitted just before the
		// deletion may not be in the cache yet, and would outlive its
		// account. Once per deleted account, so the whole list is read
		// (the account label is added by a webhook that may fail open).
		if err := r.APIReader.List(ctx, &list); err != nil {
			return ctrl.Result{}, fmt.Errorf("listing spaces of account %s: %w", obj.Name, err)
		}
		list.Items = slices.DeleteFunc(list.Items, func(s landfallv1alpha1.Space) bool { return s.Spec.Account != obj.Name })
	}
	if len(list.Items) > 0 {
		names := make([]string, 0, len(list.Items))
		for i := range list.Items {
			s := &list.Items[i]
			names = append(names, s.Name)
			if s.DeletionTimestamp.IsZero() {
				if err := r.Delete(ctx, s); client.IgnoreNotFound(err) != nil {
					return ctrl.Result{}, fmt.Errorf("deleting space %s: %w", s.Name, err)
				}
			}
		}
		// The spaces still going, in status.spaces too.
		slices.Sort(names)
		spacesLeft := func() bool {
			if slices.Equal(obj.Status.Spaces, names) {
				return false
			}
			setSpaces(&obj.Status, names)
			return true
		}
		if err := markDeleting(ctx, r.Client, obj, &obj.Status.Conditions, fmt.Sprintf("deleting %d space(s) and their namespaces", len(names)), spacesLeft); err != nil {
			return ctrl.Result{}, err
		}
		ctrl.LoggerFrom(ctx).Info("waiting for account spaces to be deleted", "spaces", len(list.Items))
		return ctrl.Result{RequeueAfter: 5 * time.Second}, nil
	}
	r.applied.Delete(obj.UID)
	patch := client.MergeFrom(obj.DeepCopy())
	controllerutil.RemoveFinalizer(obj, tenancy.AccountFinalizer)
	if err := r.Patch(ctx, obj, patch); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, fmt.Errorf("removing finalizer: %w", err)
	}
	return ctrl.Result{}, nil
}

// finalizeStatus summarises the outcome and patches the status once.
func (r *AccountReconciler) finalizeStatus(ctx context.Context, base, obj *landfallv1alpha1.Account, err error) (ctrl.Result, error) {
	result, retErr := summarizeTenancy(tenancyStatus{&obj.Status.Conditions, &obj.Status.ObservedGeneration, obj.Generation}, err,
		landfallv1alpha1.AccountReadyReason, fmt.Sprintf("%d space(s)", len(obj.Status.Spaces)), 5*time.Second)
	if perr := r.Status().Patch(ctx, obj, client.MergeFrom(base)); perr != nil {
		if apierrors.IsNotFound(perr) {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, errors.Join(retErr, fmt.Errorf("patching status: %w", perr))
	}
	return result, retErr
}
