package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

// NamespaceValidator stops tenants from setting, changing or removing
// landfall.dev/* and Pod Security Admission labels on namespaces: the
// NetworkPolicies of the baseline template trust landfall.dev/account, and
// Pod Security labels are the space's guard-rail.
type NamespaceValidator struct {
	// Identities are exempt (the manager sets these labels).
	Identities Identities
}

// Handle denies the protected label changes of tenants.
func (h *NamespaceValidator) Handle(_ context.Context, req admission.Request) admission.Response {
	if h.Identities.Privileged(req.UserInfo) {
		return admission.Allowed("")
	}
	var ns, old corev1.Namespace
	if err := json.Unmarshal(req.Object.Raw, &ns); err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("decoding namespace: %w", err))
	}
	if req.Operation == admissionv1.Update {
		if err := json.Unmarshal(req.OldObject.Raw, &old); err != nil {
			return admission.Errored(http.StatusBadRequest, fmt.Errorf("decoding old namespace: %w", err))
		}
	}
	if keys := tenancy.ProtectedLabelChanges(old.Labels, ns.Labels); len(keys) > 0 {
		return admission.Denied(fmt.Sprintf("labels %s of namespace %s are managed by Landfall", strings.Join(keys, ", "), ns.Name))
	}
	return admission.Allowed("")
}
