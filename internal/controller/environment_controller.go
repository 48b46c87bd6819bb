package controller

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/deliveryenv"
	"github.com/landfall-dev/landfall/internal/posture"
)

// EnvironmentFinalizer lets the reconciler prune an Environment's objects
// when it is deleted (when spec.prune is on).
const EnvironmentFinalizer = "landfall.dev/environment"

// RBAC of the Environment reconciler. The sensitive verb, and why:
//
//   - serviceaccounts impersonate: every read and write of a sync is made
//     as the Environment's ServiceAccount (always, for an environment in a
//     tenant's space), so the API server's RBAC, not Landfall, decides
//     what an environment may change. Only ServiceAccounts can be
//     impersonated: not users, groups or userextras, so the manager
//     cannot borrow a person's or a group's rights.
//   - secrets get (already granted for Cluster kubeconfigs): the Git
//     credentials of spec.source.secretRef, read uncached.
//   - configmaps get: the gate's exceptions.
//
// The manager itself gets no write access to workloads: an environment
// without a ServiceAccount on the manager's own cluster can write only
// what the manager's role allows, which is next to nothing. Since an
// Environment acts as a ServiceAccount of its own namespace, grant
// create and update on environments in a namespace only to those who may
// already use its ServiceAccounts (anyone who may create pods there can).
// Local repository paths are refused unless the manager runs with
// DeliveryOptions.AllowLocalSources: they would read the manager's disk.
//
// +kubebuilder:rbac:groups=landfall.dev,resources=environments,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=environments/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=environments/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=serviceaccounts,verbs=impersonate
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups=landfall.dev,resources=clusters,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// EnvironmentReconciler syncs each Environment from Git: fetch, render,
// gate, apply as the impersonated ServiceAccount, prune, wait for health,
// then on every interval check for drift and undo it with selfHeal. A
// fetch or render failure, or a revision the gate blocks, leaves the last
// good state applied and says why. The inventory is written to status
// before anything is applied, so a manager stopped mid-sync and started
// again finds every object it may have created.
type EnvironmentReconciler struct {
	// Clients.

	// Client reads Environments, Namespaces and Clusters (cached) and
	// patches status.
	client.Client
	// APIReader reads Secrets and ConfigMaps without caching them.
	APIReader client.Reader
	// Recorder emits events on Ready transitions and applied revisions.
	Recorder events.EventRecorder

	// Inputs.

	// OwnConfig reaches the manager's own cluster.
	OwnConfig *rest.Config
	// Fetcher fetches and caches the Git repositories.
	Fetcher *delivery.Fetcher
	// Applier tunes the appliers (concurrency, client rate).
	Applier delivery.ApplierOptions
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Set by SetupWithManager.
	retryInterval time.Duration
	targets       *targetCache
}

// envPhase is one phase of a sync; each records what it learnt in s and
// returns a typed error when the sync cannot go further.
type envPhase func(ctx context.Context, s *envSync) error

// envSync is the state of one reconcile of one Environment.
type envSync struct {
	env  *landfallv1alpha1.Environment
	base *landfallv1alpha1.Environment

	// target is where and as whom to apply.
	target *target
	// inputs are the source with credentials and the gate options.
	inputs *deliveryenv.Inputs
	// checkout is the fetched revision, open until rendered.
	checkout *delivery.Checkout
	// revision is the commit to apply; rollback is set when it is an
	// earlier commit asked for by landfall.dev/rollback-to.
	revision, rollback string
	// objects are the rendered objects of the revision.
	objects []*posture.Object
	// ready is the Ready condition's reason and message on success.
	readyReason, readyMessage string
	// event, when set, is a Normal event to emit (an applied revision).
	event string
}

// Reconcile syncs one Environment and patches its status once at the end
// (and once before applying, with the planned inventory).
func (r *EnvironmentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.Environment{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, obj)
	}
	if err := ensureFinalizer(ctx, r.Client, obj, EnvironmentFinalizer); err != nil {
		return ctrl.Result{}, err
	}
	s := &envSync{env: obj, base: obj.DeepCopy()}
	defer func() {
		if s.checkout != nil {
			_ = s.checkout.Close()
		}
		result, retErr = r.finalizeStatus(ctx, s, retErr)
	}()
	if obj.Spec.Suspend {
		// A sync requested meanwhile is handled once resumed.
		return ctrl.Result{}, nil
	}
	if v := obj.GetRequestedAt(); v != "" {
		obj.Status.LastHandledRequestedAt = v
	}
	if obj.Generation != obj.Status.ObservedGeneration {
		meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{
			Type: landfallv1alpha1.ReconcilingCondition, Status: metav1.ConditionTrue,
			Reason: landfallv1alpha1.ProgressingReason, Message: fmt.Sprintf("syncing generation %d", obj.Generation),
			ObservedGeneration: obj.Generation,
		})
	}
	return ctrl.Result{}, r.reconcile(ctx, s)
}

// reconcile runs the phases in order.
func (r *EnvironmentReconciler) reconcile(ctx context.Context, s *envSync) error {
	phases := []envPhase{
		r.checkDependencies,
		r.resolveTarget,
		r.loadInputs,
		r.fetch,
		r.render,
		r.gate,
		r.sync,
	}
	for _, phase := range phases {
		if err := phase(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// checkDependencies waits until every environment of dependsOn is Ready
// at its current generation.
func (r *EnvironmentReconciler) checkDependencies(ctx context.Context, s *envSync) error {
	for _, dep := range s.env.Spec.DependsOn {
		d := &landfallv1alpha1.Environment{}
		if err := r.Get(ctx, client.ObjectKey{Namespace: s.env.Namespace, Name: dep.Name}, d); err != nil {
			if apierrors.IsNotFound(err) {
				return retryError(landfallv1alpha1.DependencyNotReadyReason, fmt.Errorf("dependency %s not found", dep.Name))
			}
			return fmt.Errorf("reading dependency %s: %w", dep.Name, err)
		}
		if !meta.IsStatusConditionTrue(d.Status.Conditions, landfallv1alpha1.ReadyCondition) || d.Status.ObservedGeneration != d.Generation {
			return retryError(landfallv1alpha1.DependencyNotReadyReason, fmt.Errorf("dependency %s is not ready", dep.Name))
		}
	}
	return nil
}

// loadInputs reads the credentials Secret and the exceptions ConfigMap.
func (r *EnvironmentReconciler) loadInputs(ctx context.Context, s *envSync) error {
	in, err := deliveryenv.Load(ctx, r.APIReader, s.env, r.now())
	switch {
	case errors.Is(err, deliveryenv.ErrMissing):
		return retryError(landfallv1alpha1.CredentialsNotFoundReason, err)
	case errors.Is(err, deliveryenv.ErrInvalid):
		return stallError(landfallv1alpha1.InvalidSpecReason, err)
	case err != nil:
		return err
	}
	s.inputs = in
	return nil
}

// render renders the fetched revision and closes the checkout. A revision
// that does not render stalls the environment at its last good state.
func (r *EnvironmentReconciler) render(ctx context.Context, s *envSync) error {
	defer func() {
		_ = s.checkout.Close()
		s.checkout = nil
	}()
	objs, err := delivery.Render(ctx, s.checkout.Path, delivery.RenderOptions{Root: s.checkout.Dir, HelmNamespace: s.env.Namespace})
	if err != nil {
		r.record(s, landfallv1alpha1.SyncFailed, "render failed: "+err.Error())
		return stallError(landfallv1alpha1.RenderFailedReason, fmt.Errorf("rendering revision %s: %w", deliveryenv.Short(s.revision), err))
	}
	deliveryenv.DefaultNamespace(objs, s.target.mapper, s.env.GetDefaultNamespace())
	s.objects = objs
	return nil
}

// gate runs the posture checks on the rendered revision; a blocked
// revision is not applied and ends a rollback to it.
func (r *EnvironmentReconciler) gate(_ context.Context, s *envSync) error {
	if s.inputs.GateDisabled {
		s.env.Status.Gate = nil
		return nil
	}
	v, err := delivery.Gate(s.objects, s.inputs.Gate)
	if err != nil {
		return fmt.Errorf("running the gate: %w", err)
	}
	s.env.Status.Gate = deliveryenv.VerdictToAPI(s.revision, v)
	if !v.Blocked {
		return nil
	}
	msg := deliveryenv.BlockedMessage(s.revision, v)
	if s.rollback != "" {
		s.env.Status.Rollback = nil
	}
	r.record(s, landfallv1alpha1.SyncBlocked, msg)
	return stallError(landfallv1alpha1.GateBlockedReason, errors.New(msg))
}

// reconcileDelete prunes the environment's objects (when spec.prune is
// on and it is not suspended) and removes the finalizer. Pruning is best
// effort: an environment whose ServiceAccount or target is gone is not
// held up.
func (r *EnvironmentReconciler) reconcileDelete(ctx context.Context, obj *landfallv1alpha1.Environment) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, EnvironmentFinalizer) {
		return ctrl.Result{}, nil
	}
	log := ctrl.LoggerFrom(ctx)
	inv := deliveryenv.InventoryFromAPI(obj.Status.Inventory)
	if obj.GetPrune() && !obj.Spec.Suspend && inv.Len() > 0 {
		s := &envSync{env: obj}
		err := r.resolveTarget(ctx, s)
		if err == nil {
			pctx, cancel := context.WithTimeout(ctx, time.Minute)
			_, err = s.target.applier.Apply(pctx, nil, inv, delivery.ApplyOptions{Prune: true, DefaultNamespace: obj.GetDefaultNamespace()})
			cancel()
		}
		if err != nil {
			log.Error(err, "pruning objects of deleted environment", "objects", inv.Len())
		} else {
			log.Info("pruned objects of deleted environment", "objects", inv.Len())
		}
	}
	patch := client.MergeFrom(obj.DeepCopy())
	controllerutil.RemoveFinalizer(obj, EnvironmentFinalizer)
	if err := r.Patch(ctx, obj, patch); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, fmt.Errorf("removing finalizer: %w", err)
	}
	return ctrl.Result{}, nil
}

func (r *EnvironmentReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
