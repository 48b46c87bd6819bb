package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// AnnotationCreatedBy records the user that created a Space.
const AnnotationCreatedBy = "landfall.dev/created-by"

// SpaceValidator admits Space creates and updates.
type SpaceValidator struct {
	// Client reads Accounts and Spaces from the manager's cache, which
	// must have the tenancy.SpaceAccountIndex index (controller.SetupTenancy
	// registers it).
	Client client.Reader
	// APIReader reads an Account the cache does not have yet (see
	// getCachedOrLive); nil reads the cache only.
	APIReader client.Reader
	// Identities are exempt from the tenant rules.
	Identities Identities
}

// Handle enforces: the account exists; tenants must be its subjects, stay
// within its space limit and name rule, and cannot set spec.adopt.
func (h *SpaceValidator) Handle(ctx context.Context, req admission.Request) admission.Response {
	var space landfallv1alpha1.Space
	if err := json.Unmarshal(req.Object.Raw, &space); err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("decoding space: %w", err))
	}
	privileged := h.Identities.Privileged(req.UserInfo)
	if req.Operation == admissionv1.Update {
		var old landfallv1alpha1.Space
		if err := json.Unmarshal(req.OldObject.Raw, &old); err != nil {
			return admission.Errored(http.StatusBadRequest, fmt.Errorf("decoding old space: %w", err))
		}
		if !privileged && space.Spec.Adopt != old.Spec.Adopt {
			return admission.Denied("only platform admins may set spec.adopt")
		}
		return admission.Allowed("")
	}
	var account landfallv1alpha1.Account
	if err := getCachedOrLive(ctx, h.Client, h.APIReader, types.NamespacedName{Name: space.Spec.Account}, &account); err != nil {
		if apierrors.IsNotFound(err) {
			return admission.Denied(fmt.Sprintf("account %s does not exist", space.Spec.Account))
		}
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("reading account: %w", err))
	}
	if !account.DeletionTimestamp.IsZero() {
		return admission.Denied(fmt.Sprintf("account %s is being deleted", account.Name))
	}
	if err := tenancy.ValidateSpaceName(&account, space.Name); err != nil {
		return admission.Denied(err.Error())
	}
	if privileged {
		return admission.Allowed("")
	}
	if !tenancy.IsSubject(account.Spec.Subjects, req.UserInfo.Username, req.UserInfo.Groups) {
		return admission.Denied(fmt.Sprintf("user %s is not a subject of account %s", req.UserInfo.Username, account.Name))
	}
	if space.Spec.Adopt {
		return admission.Denied("only platform admins may set spec.adopt")
	}
	// The account's spaces only, through the manager's index, and without
	// copying them (they are only read): listing every space, copied, made
	// each tenant create cost in proportion to all spaces of all accounts.
	var spaces landfallv1alpha1.SpaceList
	if err := h.Client.List(ctx, &spaces, client.MatchingFields{tenancy.SpaceAccountIndex: account.Name}, client.UnsafeDisableDeepCopy); err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("listing spaces of account %s: %w", account.Name, err))
	}
	n := 0
	for _, s := range spaces.Items {
		if s.Name != space.Name {
			n++
		}
	}
	// The controller enforces the limit again by creation order, so two
	// creates racing past this check cannot both get a namespace.
	if err := tenancy.CheckSpaceLimit(&account, n); err != nil {
		return admission.Denied(err.Error())
	}
	return admission.Allowed("")
}

// SpaceDefaulter labels a new Space with its account (so spaces can be
// selected by label), records who created it and adds the space
// finalizer, which saves the space reconciler a write (and this webhook
// a second call) per space. The reconciler still adds the finalizer when
// the webhook was skipped (its failure policy is Ignore). Only creates
// get it: re-adding it on update would block the deletion that removes
// it.
type SpaceDefaulter struct{}

// Handle returns the patch.
func (h *SpaceDefaulter) Handle(_ context.Context, req admission.Request) admission.Response {
	var space landfallv1alpha1.Space
	if err := json.Unmarshal(req.Object.Raw, &space); err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("decoding space: %w", err))
	}
	if space.Labels == nil {
		space.Labels = map[string]string{}
	}
	space.Labels[tenancy.LabelAccount] = space.Spec.Account
	if req.Operation == admissionv1.Create {
		if space.Annotations == nil {
			space.Annotations = map[string]string{}
		}
		space.Annotations[AnnotationCreatedBy] = req.UserInfo.Username
		controllerutil.AddFinalizer(&space, tenancy.SpaceFinalizer)
	}
	raw, err := json.Marshal(&space)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("encoding space: %w", err))
	}
	return admission.PatchResponseFromRaw(req.Object.Raw, raw)
}
