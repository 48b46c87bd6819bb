package controller

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/deliveryenv"
)

// RBAC of the Promotion reconciler, and of the promotion approval
// webhook (internal/webhook) that the manager serves: subjectaccessreviews
// create asks the API server whether the user setting an approval holds
// the approve verb; it grants nothing.
//
// +kubebuilder:rbac:groups=landfall.dev,resources=promotions,verbs=get;list;watch
// +kubebuilder:rbac:groups=authorization.k8s.io,resources=subjectaccessreviews,verbs=create
// +kubebuilder:rbac:groups=landfall.dev,resources=promotions/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=environments,verbs=get;list;watch;patch

// PromotionReconciler carries out Promotions: it refuses while the source
// environment is not Ready at the revision (or its gate blocked it),
// waits for approval when the target environment requires it, then
// writes one Git commit promoting the application into the target
// environment's path and asks the target to sync. A Promotion is done
// once it Succeeded or Failed.
type PromotionReconciler struct {
	// Client reads Promotions and Environments (cached), patches status
	// and annotates the target environment.
	client.Client
	// APIReader reads the target's Git credentials without caching them.
	APIReader client.Reader
	// Recorder emits events when a promotion ends.
	Recorder events.EventRecorder
	// Fetcher writes the commit.
	Fetcher *delivery.Fetcher
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Set by SetupWithManager.
	retryInterval time.Duration
}

// Reconcile moves one Promotion forward and patches its status once.
func (r *PromotionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.Promotion{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() || obj.IsFinished() {
		return ctrl.Result{}, nil
	}
	base := obj.DeepCopy()
	defer func() {
		result, retErr = r.finalizeStatus(ctx, base, obj, retErr)
	}()
	return ctrl.Result{}, r.reconcile(ctx, obj)
}

// reconcile checks the environments, the revision and the approval, then
// promotes.
func (r *PromotionReconciler) reconcile(ctx context.Context, p *landfallv1alpha1.Promotion) error {
	from, err := r.environment(ctx, p.Namespace, p.Spec.From)
	if err != nil {
		return err
	}
	to, err := r.environment(ctx, p.Namespace, p.Spec.To)
	if err != nil {
		return err
	}
	if err := promotable(from, to); err != nil {
		return terminalError(landfallv1alpha1.PromotionFailedReason, err)
	}
	if p.Status.Revision == "" {
		p.Status.Revision = p.Spec.Revision
		if p.Status.Revision == "" {
			p.Status.Revision = from.Status.LastAppliedRevision
		}
	}
	if a := p.Spec.Approval; a != nil && !a.Approved {
		return terminalError(landfallv1alpha1.PromotionFailedReason, fmt.Errorf("rejected by %s%s", a.Approver, suffix(": ", a.Message)))
	}
	if err := sourceReady(from, p.Status.Revision); err != nil {
		return retryError(landfallv1alpha1.PromotionRefusedReason, err)
	}
	if to.Spec.Promotion.RequireApproval && !p.IsApproved() {
		return retryError(landfallv1alpha1.WaitingForApprovalReason,
			fmt.Errorf("environment %s requires approval: someone allowed to approve promotions in %s must approve it (landfall promote approve %s)", to.Name, p.Namespace, p.Name))
	}
	return r.promote(ctx, p, from, to)
}

// environment reads an Environment of the promotion's namespace.
func (r *PromotionReconciler) environment(ctx context.Context, namespace, name string) (*landfallv1alpha1.Environment, error) {
	env := &landfallv1alpha1.Environment{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, env); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, retryError(landfallv1alpha1.EnvironmentNotFoundReason, fmt.Errorf("environment %s not found", name))
		}
		return nil, fmt.Errorf("reading environment %s: %w", name, err)
	}
	return env, nil
}

// promotable checks that a commit can promote from one environment to
// the other: one repository, a target that follows a branch.
func promotable(from, to *landfallv1alpha1.Environment) error {
	if from.Spec.Source.URL != to.Spec.Source.URL {
		return fmt.Errorf("environments %s and %s use different repositories", from.Name, to.Name)
	}
	if ref := to.Spec.Source.Ref; ref.Tag != "" || (ref.Commit != "" && ref.Branch == "") {
		return fmt.Errorf("environment %s follows a tag or a commit: a promotion commits to a branch", to.Name)
	}
	if from.Spec.Source.Path == to.Spec.Source.Path && from.Spec.Source.Ref.GetBranch() == to.Spec.Source.Ref.GetBranch() {
		return fmt.Errorf("environments %s and %s share the same path and branch", from.Name, to.Name)
	}
	return nil
}

// sourceReady refuses a revision the source environment has not applied
// and kept healthy, or whose gate blocked it. The revision need not be the
// source's current one: one its recent history (status.history) shows it
// applied successfully counts too, while the source is Ready, so a
// promotion waiting for approval is not refused because the repository
// moved on meanwhile (any commit moves every environment of it).
func sourceReady(from *landfallv1alpha1.Environment, revision string) error {
	if revision == "" {
		return fmt.Errorf("source environment %s has applied no revision yet", from.Name)
	}
	if g := from.Status.Gate; g != nil && g.Blocked && g.Revision == revision {
		return fmt.Errorf("the gate of source environment %s blocked revision %s", from.Name, deliveryenv.Short(revision))
	}
	if from.Status.LastAppliedRevision != revision && !appliedEarlier(from, revision) {
		return fmt.Errorf("source environment %s is at revision %s, not %s, and has not applied %s successfully in its last %d syncs", from.Name,
			orNone(deliveryenv.Short(from.Status.LastAppliedRevision)), deliveryenv.Short(revision), deliveryenv.Short(revision), landfallv1alpha1.MaxSyncHistory)
	}
	ready := meta.FindStatusCondition(from.Status.Conditions, landfallv1alpha1.ReadyCondition)
	if ready == nil || ready.Status != metav1.ConditionTrue || from.Status.ObservedGeneration != from.Generation {
		msg := "not synced yet"
		if ready != nil {
			msg = ready.Message
		}
		return fmt.Errorf("source environment %s is not Ready at revision %s: %s", from.Name, deliveryenv.Short(revision), msg)
	}
	return nil
}

// promote writes the commit and asks the target environment to sync.
func (r *PromotionReconciler) promote(ctx context.Context, p *landfallv1alpha1.Promotion, from, to *landfallv1alpha1.Environment) error {
	log := ctrl.LoggerFrom(ctx)
	p.Status.Phase = landfallv1alpha1.PromotionPromoting
	in, err := deliveryenv.Load(ctx, r.APIReader, to, r.now())
	switch {
	case errors.Is(err, deliveryenv.ErrMissing):
		return retryError(landfallv1alpha1.CredentialsNotFoundReason, err)
	case errors.Is(err, deliveryenv.ErrInvalid):
		return terminalError(landfallv1alpha1.PromotionFailedReason, err)
	case err != nil:
		return err
	}
	repo := in.Source
	repo.Tag, repo.Commit, repo.Path = "", "", ""
	msg := fmt.Sprintf("Promotion %s/%s", p.Namespace, p.Name)
	if a := p.Spec.Approval; a != nil && a.Approved {
		msg += fmt.Sprintf("\nApproved-by: %s%s", a.Approver, suffix("\n\n", a.Message))
	}
	res, err := r.Fetcher.Promote(ctx, delivery.PromoteRequest{
		Repo:     repo,
		FromPath: from.Spec.Source.Path,
		ToPath:   to.Spec.Source.Path,
		App:      p.Spec.Application,
		Copy:     p.GetStrategy() == landfallv1alpha1.PromotionStrategyCopy,
		Revision: p.Status.Revision,
		Message:  msg,
		Marker:   PromotionMarker(p),
	})
	if err != nil {
		err = fmt.Errorf("promoting %s from %s to %s: %w", p.Spec.Application, from.Name, to.Name, err)
		for _, permanent := range []error{delivery.ErrAuthentication, delivery.ErrInvalidSource, delivery.ErrPathEscapes, delivery.ErrRevisionNotFound, delivery.ErrTooLarge} {
			if errors.Is(err, permanent) {
				return terminalError(landfallv1alpha1.PromotionFailedReason, err)
			}
		}
		return retryError(landfallv1alpha1.FetchFailedReason, err)
	}
	p.Status.Commit = cmp.Or(res.Commit, res.Found)
	switch {
	case res.Found != "":
		// Pushed before by a manager that stopped before it recorded
		// the commit.
		p.Status.Message = fmt.Sprintf("committed %s to %s earlier: %s promoted from %s at %s", deliveryenv.Short(res.Found),
			to.Spec.Source.Ref.GetBranch(), p.Spec.Application, from.Name, deliveryenv.Short(p.Status.Revision))
	case res.Commit == "":
		p.Status.Message = fmt.Sprintf("%s already has %s of revision %s: nothing to commit", to.Name, p.Spec.Application, deliveryenv.Short(p.Status.Revision))
	default:
		p.Status.Message = fmt.Sprintf("committed %s to %s: %s promoted from %s at %s", deliveryenv.Short(res.Commit),
			to.Spec.Source.Ref.GetBranch(), p.Spec.Application, from.Name, deliveryenv.Short(p.Status.Revision))
	}
	log.Info("promoted", "application", p.Spec.Application, "from", from.Name, "to", to.Name, "revision", p.Status.Revision, "commit", p.Status.Commit)
	// Ask the target to sync now rather than at its next interval.
	patch := client.MergeFrom(to.DeepCopy())
	if to.Annotations == nil {
		to.Annotations = map[string]string{}
	}
	to.Annotations[landfallv1alpha1.AnnotationRequestedAt] = r.now().UTC().Format(time.RFC3339Nano)
	if err := r.Patch(ctx, to, patch); err != nil {
		log.Error(err, "requesting a sync of the target environment", "environment", to.Name)
	}
	return nil
}

// appliedEarlier reports whether the environment's history shows revision
// applied and healthy.
func appliedEarlier(env *landfallv1alpha1.Environment, revision string) bool {
	return slices.ContainsFunc(env.Status.History, func(r landfallv1alpha1.SyncRecord) bool {
		return r.Revision == revision && r.Result == landfallv1alpha1.SyncSucceeded
	})
}

// PromotionMarker is the trailer a promotion's commit carries, so that a
// manager restarted after the push finds the commit instead of reporting
// nothing to commit: the Promotion's UID, which a new Promotion of the
// same name does not share.
func PromotionMarker(p *landfallv1alpha1.Promotion) string {
	return "Landfall-Promotion: " + string(p.UID)
}

// finalizeStatus sets the phase and conditions from the outcome (the one
// place errors are mapped to results) and patches the status once.
func (r *PromotionReconciler) finalizeStatus(ctx context.Context, base, p *landfallv1alpha1.Promotion, err error) (ctrl.Result, error) {
	result, retErr := r.summarize(p, err)
	if !equality.Semantic.DeepEqual(base.Status, p.Status) {
		if perr := r.Status().Patch(ctx, p, client.MergeFrom(base)); perr != nil {
			if apierrors.IsNotFound(perr) {
				return ctrl.Result{}, nil
			}
			return ctrl.Result{}, errors.Join(retErr, fmt.Errorf("patching status: %w", perr))
		}
	}
	if base.Status.Phase != p.Status.Phase && r.Recorder != nil {
		kind := corev1.EventTypeNormal
		if p.Status.Phase == landfallv1alpha1.PromotionFailed || p.Status.Phase == landfallv1alpha1.PromotionRefused {
			kind = corev1.EventTypeWarning
		}
		r.Recorder.Eventf(p, nil, kind, p.Status.Phase, "Promote", "%s", p.Status.Message)
	}
	return result, retErr
}

// summarize maps the outcome to a phase, conditions and a result.
func (r *PromotionReconciler) summarize(p *landfallv1alpha1.Promotion, err error) (ctrl.Result, error) {
	p.Status.ObservedGeneration = p.Generation
	c := conditions{&p.Status.Conditions, p.Generation}
	if err == nil {
		p.Status.Phase = landfallv1alpha1.PromotionSucceeded
		now := metav1.NewTime(r.now())
		p.Status.CompletionTime = &now
		c.ready(landfallv1alpha1.PromotionSucceededReason, p.Status.Message)
		return ctrl.Result{}, nil
	}
	re, ok := asReconcileError(err)
	if !ok {
		p.Status.Message = "failed to reconcile: " + err.Error()
		c.retrying(landfallv1alpha1.RetryingReason, p.Status.Message, landfallv1alpha1.RetryingReason, p.Status.Message)
		return ctrl.Result{}, err
	}
	p.Status.Message = re.Error()
	if re.policy == policyStall {
		p.Status.Phase = landfallv1alpha1.PromotionFailed
		now := metav1.NewTime(r.now())
		p.Status.CompletionTime = &now
		c.stalled(re.reason, p.Status.Message)
		return ctrl.Result{}, reconcile.TerminalError(err)
	}
	switch re.reason {
	case landfallv1alpha1.PromotionRefusedReason:
		p.Status.Phase = landfallv1alpha1.PromotionRefused
	case landfallv1alpha1.WaitingForApprovalReason:
		p.Status.Phase = landfallv1alpha1.PromotionWaitingForApproval
	case landfallv1alpha1.EnvironmentNotFoundReason:
		p.Status.Phase = landfallv1alpha1.PromotionPending
	default:
		p.Status.Phase = landfallv1alpha1.PromotionPromoting
	}
	c.retrying(re.reason, p.Status.Message, re.reason, p.Status.Message)
	if re.reason == landfallv1alpha1.WaitingForApprovalReason {
		// The approval is a spec change: the watch brings it.
		return ctrl.Result{}, nil
	}
	return ctrl.Result{RequeueAfter: r.retryInterval}, nil
}

func (r *PromotionReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// suffix returns sep+s, or "" when s is empty.
func suffix(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// orNone returns s or "none".
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
