package controller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// SpaceRoleBindingName is the RoleBinding that gives an account's subjects
// access to a space.
const SpaceRoleBindingName = "landfall-space-admins"

// RBAC of the space reconciler. The sensitive verbs, and why:
//
//   - namespaces create, patch, delete: a Space is a namespace. The
//     reconciler creates it (server-side apply) and deletes it with its
//     Space, and only a namespace labelled as that space's.
//   - rolebindings create, patch, delete in every namespace: the binding of
//     the account's subjects in each space (deleted to change its role).
//     The API server lets it bind only roles it may bind (below) or whose
//     rights it holds itself, so it cannot grant more than that.
//   - clusterroles bind, by name: the space roles it binds.
//     landfall-space-admin is the default; admin, edit and view are the
//     built-in roles an Account may choose instead (spec.space.clusterRole).
//     A platform admin who chooses another role grants bind on it too.
//     There is no escalate: the manager never writes a role with rights it
//     lacks; landfall-space-admin, an aggregated role (which would take
//     escalate), is installed from config/rbac/space_admin_role.yaml.
//
// +kubebuilder:rbac:groups=landfall.dev,resources=spaces,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=landfall.dev,resources=spaces/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=spaces/finalizers,verbs=update
// +kubebuilder:rbac:groups=landfall.dev,resources=templates,verbs=get;list;watch
// +kubebuilder:rbac:groups=landfall.dev,resources=templateinstances,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=rolebindings,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=clusterroles,verbs=bind,resourceNames=landfall-space-admin;admin;edit;view

// SpaceReconciler turns a Space into a namespace with guard-rails: it
// creates the namespace with the account and Pod Security labels, applies
// every template through TemplateInstances, waits until they are ready and
// only then binds the account's subjects. Deleting the Space deletes the
// namespace first (finalizer).
type SpaceReconciler struct {
	// Client reads (cached) and writes objects.
	client.Client
	// APIReader reads from the API server what the cache may not have
	// seen yet; nil reads the cache only.
	APIReader client.Reader
}

// Reconcile brings one Space to Ready and patches its status once.
func (r *SpaceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.Space{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, obj)
	}
	if err := ensureFinalizer(ctx, r.Client, obj, tenancy.SpaceFinalizer); err != nil {
		return ctrl.Result{}, err
	}
	base := obj.DeepCopy()
	defer func() {
		result, retErr = r.finalizeStatus(ctx, base, obj, retErr)
	}()
	return ctrl.Result{}, r.reconcile(ctx, obj)
}

// reconcile runs the phases in order; each returns a typed error when the
// space cannot go further yet.
func (r *SpaceReconciler) reconcile(ctx context.Context, obj *landfallv1alpha1.Space) error {
	account, err := r.account(ctx, obj)
	if err != nil {
		return err
	}
	if err := r.checkLimit(ctx, account, obj); err != nil {
		return err
	}
	refs := tenancy.SpaceTemplates(account, obj)
	// A template that does not exist yet does not hold up the namespace
	// and the other templates, only the access.
	rendered, renderErr := r.render(ctx, account, obj, refs)
	if re, ok := asReconcileError(renderErr); renderErr != nil && (!ok || re.reason != landfallv1alpha1.TemplateNotFoundReason) {
		return renderErr
	}
	// Before anything is applied: a space's own template must not
	// override what a mandatory one sets.
	if err := tenancy.TemplateConflicts(rendered); err != nil {
		return stallError(landfallv1alpha1.TemplateConflictReason, err)
	}
	if err := r.reconcileNamespace(ctx, account, obj, rendered); err != nil {
		return err
	}
	if err := r.reconcileInstances(ctx, obj, refs); err != nil {
		return err
	}
	if renderErr != nil {
		return renderErr
	}
	return r.reconcileAccess(ctx, account, obj)
}

// account returns the space's Account.
func (r *SpaceReconciler) account(ctx context.Context, obj *landfallv1alpha1.Space) (*landfallv1alpha1.Account, error) {
	account := &landfallv1alpha1.Account{}
	if err := r.Get(ctx, types.NamespacedName{Name: obj.Spec.Account}, account); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, stallError(landfallv1alpha1.AccountNotFoundReason, fmt.Errorf("account %s not found", obj.Spec.Account))
		}
		return nil, fmt.Errorf("reading account %s: %w", obj.Spec.Account, err)
	}
	if !account.DeletionTimestamp.IsZero() {
		return nil, stallError(landfallv1alpha1.DeletingReason, fmt.Errorf("account %s is being deleted", account.Name))
	}
	return account, nil
}

// checkLimit is the backstop of the admission check: of spaces created
// concurrently past the limit, only the oldest get a namespace.
func (r *SpaceReconciler) checkLimit(ctx context.Context, account *landfallv1alpha1.Account, obj *landfallv1alpha1.Space) error {
	if account.Spec.Space.Limit == nil || obj.Status.Namespace != "" {
		return nil
	}
	var spaces landfallv1alpha1.SpaceList
	if err := r.List(ctx, &spaces, client.MatchingFields{tenancy.SpaceAccountIndex: account.Name}, client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("listing spaces of account %s: %w", account.Name, err)
	}
	if !tenancy.WithinLimit(account, spaces.Items, obj.Name) {
		return stallError(landfallv1alpha1.SpaceLimitExceededReason, tenancy.CheckSpaceLimit(account, len(spaces.Items)-1))
	}
	return nil
}

// render renders every template of the space, to learn the namespace
// labels and to fail early on bad parameters. Missing templates are
// skipped and reported as a TemplateNotFound error with what rendered.
func (r *SpaceReconciler) render(ctx context.Context, account *landfallv1alpha1.Account, obj *landfallv1alpha1.Space, refs []landfallv1alpha1.TemplateReference) ([]*tenancy.Rendered, error) {
	var out []*tenancy.Rendered
	var missing []string
	scope := tenancy.Scope{Space: obj.Name, Account: account.Name, AccountLabels: account.Labels}
	for _, ref := range refs {
		tpl := &landfallv1alpha1.Template{}
		if err := r.Get(ctx, types.NamespacedName{Name: ref.Name}, tpl); err != nil {
			if apierrors.IsNotFound(err) {
				missing = append(missing, ref.Name)
				continue
			}
			return nil, fmt.Errorf("reading template %s: %w", ref.Name, err)
		}
		rendered, err := tenancy.Render(tpl, ref.Parameters, scope)
		if err != nil {
			return nil, stallError(landfallv1alpha1.RenderFailedReason, err)
		}
		out = append(out, rendered)
	}
	if len(missing) > 0 {
		return out, retryError(landfallv1alpha1.TemplateNotFoundReason, fmt.Errorf("templates %v not found", missing))
	}
	return out, nil
}

// reconcileNamespace creates or updates the namespace with Landfall's
// labels by server-side apply. A namespace that exists and is not this
// space's is adopted only when spec.adopt is set and it belongs to no
// account.
func (r *SpaceReconciler) reconcileNamespace(ctx context.Context, account *landfallv1alpha1.Account, obj *landfallv1alpha1.Space, rendered []*tenancy.Rendered) error {
	ns := namespaceMetadata(obj.Name)
	err := r.Get(ctx, client.ObjectKeyFromObject(ns), ns)
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return fmt.Errorf("reading namespace %s: %w", obj.Name, err)
	case !ns.DeletionTimestamp.IsZero():
		if obj.Status.Namespace != "" {
			// The tenant deleted the namespace (the space role may): the
			// space goes with it.
			if err := r.Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
				return fmt.Errorf("deleting space whose namespace is terminating: %w", err)
			}
		}
		return retryError(landfallv1alpha1.DeletingReason, fmt.Errorf("namespace %s is terminating", obj.Name))
	case ns.Labels[tenancy.LabelSpace] == obj.Name && ns.Labels[tenancy.LabelAccount] == account.Name:
	case obj.Spec.Adopt && ns.Labels[tenancy.LabelAccount] == "":
	default:
		return stallError(landfallv1alpha1.NamespaceConflictReason, fmt.Errorf("namespace %s already exists and is not this space's", obj.Name))
	}
	labels := tenancy.NamespaceLabels(account, obj.Name, rendered)
	obj.Status.Namespace = obj.Name
	if err == nil && appliedMetadata(ns, tenancy.FieldManager, labels, account.Spec.Space.Annotations) {
		// What the apply would send is what the namespace has, and
		// Landfall owns nothing more: skip the round trip (and its
		// admission webhook call).
		return nil
	}
	apply := corev1ac.Namespace(obj.Name).WithLabels(labels).WithAnnotations(account.Spec.Space.Annotations)
	if err := r.Apply(ctx, apply, client.FieldOwner(tenancy.FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("applying namespace %s: %w", obj.Name, err)
	}
	return nil
}

// namespaceMetadata returns an empty metadata-only Namespace to read
// into. The reconcilers need only a namespace's metadata, so they read it
// from the metadata informer their namespace watch starts, instead of
// caching every Namespace a second time in full.
func namespaceMetadata(name string) *metav1.PartialObjectMetadata {
	ns := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: name}}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	return ns
}

// reconcileInstances applies one TemplateInstance per template, deletes
// instances of templates the space no longer has, and waits until every
// instance has applied the current template.
func (r *SpaceReconciler) reconcileInstances(ctx context.Context, obj *landfallv1alpha1.Space, refs []landfallv1alpha1.TemplateReference) error {
	var names []string
	applied := false
	for _, ref := range refs {
		names = append(names, ref.Name)
		existing := &landfallv1alpha1.TemplateInstance{}
		err := r.Get(ctx, types.NamespacedName{Namespace: obj.Name, Name: ref.Name}, existing)
		if client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("reading template instance %s: %w", ref.Name, err)
		}
		if err == nil && instanceUpToDate(existing, obj.Name, ref) {
			continue
		}
		ti := &landfallv1alpha1.TemplateInstance{
			TypeMeta:   metav1.TypeMeta{APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.TemplateInstanceKind},
			ObjectMeta: metav1.ObjectMeta{Namespace: obj.Name, Name: ref.Name, Labels: map[string]string{tenancy.LabelSpace: obj.Name}},
			Spec:       landfallv1alpha1.TemplateInstanceSpec{Template: ref.Name, Parameters: ref.Parameters},
		}
		if err := applyTyped(ctx, r.Client, ti); err != nil {
			return fmt.Errorf("applying template instance %s: %w", ref.Name, err)
		}
		applied = true
	}
	obj.Status.Templates = names
	var list landfallv1alpha1.TemplateInstanceList
	if err := r.List(ctx, &list, client.InNamespace(obj.Name)); err != nil {
		return fmt.Errorf("listing template instances: %w", err)
	}
	for i := range list.Items {
		ti := &list.Items[i]
		if !slices.Contains(names, ti.Name) {
			if err := r.Delete(ctx, ti); client.IgnoreNotFound(err) != nil {
				return fmt.Errorf("deleting template instance %s: %w", ti.Name, err)
			}
		}
	}
	if waiting := waitingFor(names, list.Items); len(waiting) > 0 {
		// An instance applied in this pass brings the space back when it
		// turns ready, or when it fails (instanceReadyChangedPredicate).
		return &reconcileError{
			reason: landfallv1alpha1.TemplatesNotReadyReason, policy: policyRetry, followed: applied,
			err: fmt.Errorf("waiting for templates %v to be applied", waiting),
		}
	}
	return nil
}

// waitingFor returns the templates of names whose instance is not in
// items or not ready, in the order of names. Instances of templates the
// space no longer has do not count: one still listed while a new one is
// not must not let access be granted before the new one is applied.
func waitingFor(names []string, items []landfallv1alpha1.TemplateInstance) []string {
	var out []string
	for _, n := range names {
		i := slices.IndexFunc(items, func(ti landfallv1alpha1.TemplateInstance) bool { return ti.Name == n })
		if i < 0 || !instanceReady(&items[i]) {
			out = append(out, n)
		}
	}
	return out
}

// instanceUpToDate reports whether an existing instance already has what
// reconcileInstances would apply, so the apply can be skipped. A change
// by anyone else to these fields makes it false, and the apply takes
// them back.
func instanceUpToDate(ti *landfallv1alpha1.TemplateInstance, space string, ref landfallv1alpha1.TemplateReference) bool {
	return ti.DeletionTimestamp.IsZero() && ti.Labels[tenancy.LabelSpace] == space &&
		ti.Spec.Template == ref.Name && equality.Semantic.DeepEqual(ti.Spec.Parameters, ref.Parameters)
}

// reconcileAccess binds the account's subjects to the space role. It runs
// only once every template is ready. The role reference of a RoleBinding is
// immutable, so a changed role replaces the binding.
func (r *SpaceReconciler) reconcileAccess(ctx context.Context, account *landfallv1alpha1.Account, obj *landfallv1alpha1.Space) error {
	role := account.GetSpaceClusterRole()
	subjects := spaceSubjects(account)
	existing := &rbacv1.RoleBinding{}
	err := r.Get(ctx, types.NamespacedName{Namespace: obj.Name, Name: SpaceRoleBindingName}, existing)
	if err == nil && existing.RoleRef.Name == role && existing.Labels[tenancy.LabelAccount] == account.Name &&
		equality.Semantic.DeepEqual(existing.Subjects, subjects) {
		// Already bound as the apply would bind (subjects are an atomic
		// list: anyone adding a subject makes this false and the apply
		// removes it).
		obj.Status.AccessGranted = true
		return nil
	}
	if err == nil && existing.RoleRef.Name != role {
		if err := r.Delete(ctx, existing); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("replacing role binding: %w", err)
		}
	} else if client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("reading role binding: %w", err)
	}
	apply := rbacv1ac.RoleBinding(SpaceRoleBindingName, obj.Name).
		WithLabels(map[string]string{tenancy.LabelAccount: account.Name}).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(role))
	for _, s := range subjects {
		sub := rbacv1ac.Subject().WithKind(s.Kind).WithName(s.Name)
		if s.APIGroup != "" {
			sub = sub.WithAPIGroup(s.APIGroup)
		}
		if s.Namespace != "" {
			sub = sub.WithNamespace(s.Namespace)
		}
		apply = apply.WithSubjects(sub)
	}
	if err := r.Apply(ctx, apply, client.FieldOwner(tenancy.FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("applying role binding: %w", err)
	}
	obj.Status.AccessGranted = true
	return nil
}

// spaceSubjects returns the account's subjects as the space RoleBinding
// holds them: Users and Groups in the RBAC API group.
func spaceSubjects(account *landfallv1alpha1.Account) []rbacv1.Subject {
	out := make([]rbacv1.Subject, 0, len(account.Spec.Subjects))
	for _, s := range account.Spec.Subjects {
		if s.APIGroup == "" && s.Kind != rbacv1.ServiceAccountKind {
			s.APIGroup = rbacv1.GroupName
		}
		out = append(out, s)
	}
	return out
}

// reconcileDelete deletes the namespace and removes the finalizer once it
// is gone. A namespace that is not this space's is left alone.
func (r *SpaceReconciler) reconcileDelete(ctx context.Context, obj *landfallv1alpha1.Space) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, tenancy.SpaceFinalizer) {
		return ctrl.Result{}, nil
	}
	ns := namespaceMetadata(obj.Name)
	err := r.Get(ctx, client.ObjectKeyFromObject(ns), ns)
	if apierrors.IsNotFound(err) && r.APIReader != nil {
		// The cache may not have seen the namespace the first pass
		// created a moment ago (its status, which would say so, is not
		// written until the space is set up): a space deleted at once must
		// not leave its namespace behind.
		err = r.APIReader.Get(ctx, client.ObjectKeyFromObject(ns), ns)
	}
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return ctrl.Result{}, fmt.Errorf("reading namespace %s: %w", obj.Name, err)
	case ns.Labels[tenancy.LabelSpace] != obj.Name:
		// Never created by us (a conflict): nothing to delete.
	default:
		if err := markDeleting(ctx, r.Client, obj, &obj.Status.Conditions, fmt.Sprintf("namespace %s and everything in it are being deleted", obj.Name), nil); err != nil {
			return ctrl.Result{}, err
		}
		if ns.DeletionTimestamp.IsZero() {
			if err := r.Delete(ctx, ns); client.IgnoreNotFound(err) != nil {
				return ctrl.Result{}, fmt.Errorf("deleting namespace %s: %w", obj.Name, err)
			}
			ctrl.LoggerFrom(ctx).Info("deleting space namespace", "namespace", obj.Name)
		}
		// The namespace watch brings us back when it is gone.
		return ctrl.Result{RequeueAfter: 5 * time.Second}, nil
	}
	patch := client.MergeFrom(obj.DeepCopy())
	controllerutil.RemoveFinalizer(obj, tenancy.SpaceFinalizer)
	if err := r.Patch(ctx, obj, patch); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, fmt.Errorf("removing finalizer: %w", err)
	}
	return ctrl.Result{}, nil
}

// finalizeStatus summarises the outcome into conditions and patches the
// status once.
func (r *SpaceReconciler) finalizeStatus(ctx context.Context, base, obj *landfallv1alpha1.Space, err error) (ctrl.Result, error) {
	// Waiting for templates needs no timer: the TemplateInstance watch
	// passes an instance becoming ready. A timer would also fire once more
	// after the space is Ready (a success does not cancel it).
	wait := 5 * time.Second
	if re, ok := asReconcileError(err); ok && re.reason == landfallv1alpha1.TemplatesNotReadyReason {
		wait = 0
	}
	result, retErr := summarizeTenancy(tenancyStatus{&obj.Status.Conditions, &obj.Status.ObservedGeneration, obj.Generation}, err,
		landfallv1alpha1.SpaceReadyReason, fmt.Sprintf("namespace %s ready with %d template(s), account %s bound", obj.Name, len(obj.Status.Templates), obj.Spec.Account), wait)
	if err != nil {
		ctrl.LoggerFrom(ctx).V(1).Info("space not ready", "reason", meta.FindStatusCondition(obj.Status.Conditions, landfallv1alpha1.ReadyCondition).Reason, "error", err.Error())
	}
	if re, ok := asReconcileError(err); ok && re.followed && meta.FindStatusCondition(base.Status.Conditions, landfallv1alpha1.ReadyCondition) == nil {
		// A new space waiting for the instances this pass applied: the
		// instance's event follows within moments, and the pass after it
		// writes the outcome (Ready, or why not). Skipping the interim
		// status saves one write per space of the three a space costs
		// Landfall beyond its objects.
		return result, retErr
	}
	if equality.Semantic.DeepEqual(base.Status, obj.Status) {
		// Nothing to write: conditions keep their transition time while
		// their status holds, so a pass that changes nothing sends no
		// patch (and no watch event).
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
