package webhook

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

// TemplateObjectValidator stops tenants from modifying or deleting the
// objects a template made in their space (the LimitRange, the
// NetworkPolicies...) and from labelling objects as template-owned. The
// webhook configuration selects only objects with the landfall.dev/template
// label, so other requests never reach it.
type TemplateObjectValidator struct {
	// Identities are exempt (the manager applies and prunes these
	// objects; garbage collection deletes them with their instance).
	Identities Identities
}

// Handle denies tenant writes to template-owned objects.
func (h *TemplateObjectValidator) Handle(_ context.Context, req admission.Request) admission.Response {
	if h.Identities.Privileged(req.UserInfo) {
		return admission.Allowed("")
	}
	if tpl, ok := templateLabel(req.OldObject.Raw); ok && req.Operation != admissionv1.Create {
		return admission.Denied(fmt.Sprintf("%s %s is managed by template %s; ask a platform admin to change the template",
			req.Kind.Kind, req.Name, tpl))
	}
	if _, ok := templateLabel(req.Object.Raw); ok {
		return admission.Denied(fmt.Sprintf("label %s is reserved for objects Landfall applies", tenancy.LabelTemplate))
	}
	return admission.Allowed("")
}

// templateLabel returns the landfall.dev/template label of a raw object.
func templateLabel(raw []byte) (string, bool) {
	if len(raw) == 0 {
		return "", false
	}
	var u unstructured.Unstructured
	if err := u.UnmarshalJSON(raw); err != nil {
		return "", false
	}
	tpl, ok := u.GetLabels()[tenancy.LabelTemplate]
	return tpl, ok
}
