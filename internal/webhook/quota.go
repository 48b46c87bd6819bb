package webhook

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// maxReserveAttempts bounds the optimistic-concurrency retries of one
// reservation; each conflict means another create in the account won.
const maxReserveAttempts = 64

// QuotaValidator enforces AccountQuotas at admission. A create in a space
// reserves the object's usage on every AccountQuota of the space's
// account: it reads the quota fresh, checks used + reserved + usage
// against hard, and writes the reservation to the status with the
// resourceVersion it read. A conflict (another create reserved meanwhile)
// retries from a fresh read, so parallel creates in different spaces
// serialise on the quota and cannot overshoot. An update that raises an
// object's usage (a Service made a LoadBalancer, a claim expanded, a pod
// resized) reserves the increase the same way. The AccountQuota
// reconciler settles reservations against the counted usage.
type QuotaValidator struct {
	// Client reads Spaces and AccountQuotas (cached) and writes the
	// ledger.
	Client client.Client
	// APIReader reads the quota fresh for each attempt, and a Space the
	// cache does not have yet (see getCachedOrLive).
	APIReader client.Reader
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Handle reserves the usage of a create, or the increase of an update
// that raises an object's usage (tenancy.UpdateRaisesUsage), or denies
// it.
func (h *QuotaValidator) Handle(ctx context.Context, req admission.Request) admission.Response {
	if req.Namespace == "" {
		return admission.Allowed("")
	}
	gr := schema.GroupResource{Group: req.Resource.Group, Resource: req.Resource.Resource}
	var usage, target corev1.ResourceList
	switch {
	case req.Operation == admissionv1.Create && req.SubResource == "":
		u, err := tenancy.ObjectUsage(gr, req.Object.Raw)
		if err != nil {
			return admission.Errored(http.StatusBadRequest, err)
		}
		usage = u
	case req.Operation == admissionv1.Update && tenancy.UpdateRaisesUsage(gr, req.SubResource):
		u, t, err := tenancy.UpdateUsage(gr, req.OldObject.Raw, req.Object.Raw)
		if err != nil {
			return admission.Errored(http.StatusBadRequest, err)
		}
		if len(u) == 0 {
			return admission.Allowed("")
		}
		usage, target = u, t
	default:
		return admission.Allowed("")
	}
	var space landfallv1alpha1.Space
	if err := getCachedOrLive(ctx, h.Client, h.APIReader, types.NamespacedName{Name: req.Namespace}, &space); err != nil {
		if apierrors.IsNotFound(err) {
			return admission.Allowed("")
		}
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("reading space: %w", err))
	}
	// From the cache only: a quota created the instant before (not yet in
	// the cache) lets a create through unreserved, as if the create had
	// come first; the reconciler counts it in used all the same, and the
	// quota denies what would go past it from then on, as a ResourceQuota
	// does with objects that predate it.
	var quotas landfallv1alpha1.AccountQuotaList
	if err := h.Client.List(ctx, &quotas, client.MatchingFields{tenancy.QuotaAccountIndex: space.Spec.Account}, client.UnsafeDisableDeepCopy); err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("listing account quotas: %w", err))
	}
	if len(quotas.Items) == 0 {
		return admission.Allowed("")
	}
	name := req.Name
	if name == "" {
		name = string(req.UID)
	}
	// The index holds only the space's account's quotas. In name order,
	// so every create takes them in the same order.
	slices.SortFunc(quotas.Items, func(a, b landfallv1alpha1.AccountQuota) int { return strings.Compare(a.Name, b.Name) })
	dryRun := req.DryRun != nil && *req.DryRun
	r := landfallv1alpha1.QuotaReservation{
		Namespace: req.Namespace, Resource: tenancy.ResourceKey(gr), Name: name, Usage: usage, Target: target, Created: metav1.NewTime(h.now()),
	}
	var reserved []string
	for _, q := range quotas.Items {
		if err := h.update(ctx, q.Name, r, dryRun, tenancy.Reserve); err != nil {
			// The request will not happen: give back what it reserved on
			// the quotas before this one at once, rather than hold it
			// from the account's other spaces until it expires.
			for _, prev := range reserved {
				if rerr := h.update(ctx, prev, r, dryRun, tenancy.Release); rerr != nil {
					ctrl.LoggerFrom(ctx).Error(rerr, "releasing reservation of a denied request; it expires", "quota", prev, "namespace", r.Namespace, "name", r.Name)
				}
			}
			var qe *tenancy.QuotaExceededError
			if errors.As(err, &qe) {
				return admission.Denied(qe.Error())
			}
			return admission.Errored(http.StatusInternalServerError, err)
		}
		reserved = append(reserved, q.Name)
	}
	return admission.Allowed("")
}

// update applies change (tenancy.Reserve or tenancy.Release) for r to the
// quota's ledger, retrying on conflicts.
func (h *QuotaValidator) update(ctx context.Context, quota string, r landfallv1alpha1.QuotaReservation, dryRun bool,
	change func(*landfallv1alpha1.AccountQuota, landfallv1alpha1.QuotaReservation) (bool, error),
) error {
	log := ctrl.LoggerFrom(ctx)
	for attempt := 1; ; attempt++ {
		var q landfallv1alpha1.AccountQuota
		if err := h.APIReader.Get(ctx, types.NamespacedName{Name: quota}, &q); err != nil {
			return fmt.Errorf("reading account quota %s: %w", quota, err)
		}
		changed, err := change(&q, r)
		if err != nil || !changed || dryRun {
			return err
		}
		err = h.Client.Status().Update(ctx, &q)
		if err == nil {
			log.V(1).Info("updated quota ledger", "quota", quota, "namespace", r.Namespace, "resource", r.Resource, "name", r.Name, "reservations", len(q.Status.Reservations), "attempt", attempt)
			return nil
		}
		if !apierrors.IsConflict(err) || attempt >= maxReserveAttempts {
			return fmt.Errorf("writing the ledger of account quota %s: %w", quota, err)
		}
		// Back off a little, with jitter, so contending creates spread.
		select {
		case <-ctx.Done():
			return fmt.Errorf("reserving on account quota %s: %w", quota, ctx.Err())
		case <-time.After(time.Duration(rand.IntN(5*attempt+1)) * time.Millisecond): //nolint:gosec // G404: retry jitter, not a secret
		}
	}
}

func (h *QuotaValidator) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}
