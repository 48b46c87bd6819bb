package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// PromotionValidatePath serves PromotionApprovalValidator.
const PromotionValidatePath = "/validate-landfall-dev-v1alpha1-promotion-approval"

// PromotionApprovalValidator makes approving a Promotion an RBAC-checked
// action, as cert-manager does for CertificateRequests: whoever sets or
// changes spec.approval (approving or rejecting, on create or update)
// must be allowed the verb `approve` on promotions.landfall.dev in the
// Promotion's namespace (a SubjectAccessReview for the requesting user,
// with their groups and extra), and must name themselves as the approver.
// So who may promote to prod is plain Kubernetes RBAC: a Role with
// {apiGroups: [landfall.dev], resources: [promotions], verbs: [approve]},
// optionally with resourceNames.
type PromotionApprovalValidator struct {
	// Client creates SubjectAccessReviews.
	Client client.Client
}

// Handle admits the request when spec.approval is unchanged, or when the
// user named as approver is the requesting user and may approve.
func (h *PromotionApprovalValidator) Handle(ctx context.Context, req admission.Request) admission.Response {
	var p landfallv1alpha1.Promotion
	if err := json.Unmarshal(req.Object.Raw, &p); err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("decoding promotion: %w", err))
	}
	var old *landfallv1alpha1.PromotionApproval
	if req.Operation == admissionv1.Update {
		var o landfallv1alpha1.Promotion
		if err := json.Unmarshal(req.OldObject.Raw, &o); err != nil {
			return admission.Errored(http.StatusBadRequest, fmt.Errorf("decoding old promotion: %w", err))
		}
		old = o.Spec.Approval
	}
	if equality.Semantic.DeepEqual(old, p.Spec.Approval) {
		return admission.Allowed("")
	}
	user := req.UserInfo
	if a := p.Spec.Approval; a != nil && a.Approver != user.Username {
		return admission.Denied(fmt.Sprintf("spec.approval.approver must be the approving user's name, %q, not %q", user.Username, a.Approver))
	}
	extra := make(map[string]authorizationv1.ExtraValue, len(user.Extra))
	for k, v := range user.Extra {
		extra[k] = authorizationv1.ExtraValue(v)
	}
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User: user.Username, UID: user.UID, Groups: user.Groups, Extra: extra,
		ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: req.Namespace, Verb: landfallv1alpha1.PromotionApproveVerb,
			Group: landfallv1alpha1.Group, Resource: "promotions", Name: p.Name,
		},
	}}
	if err := h.Client.Create(ctx, sar); err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("checking approve permission: %w", err))
	}
	if !sar.Status.Allowed {
		return admission.Denied(fmt.Sprintf("user %s may not approve promotions in namespace %s: it needs the verb %q on promotions.%s",
			user.Username, req.Namespace, landfallv1alpha1.PromotionApproveVerb, landfallv1alpha1.Group))
	}
	return admission.Allowed("")
}

// promotionWebhook is the configuration of the approval webhook.
//
// Failure policy Fail: approval is a security decision, so when the
// webhook is unreachable no approval can be set or changed (fail closed).
// The match condition sends the API server's call only for requests that
// set or change spec.approval, so an outage blocks nothing else: creating
// unapproved Promotions, deleting them and the manager's status updates
// (a subresource the rule does not cover) go on.
func promotionWebhook(cc ClientConfigFunc) admissionregistrationv1.ValidatingWebhook {
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	timeout := int32(10)
	return admissionregistrationv1.ValidatingWebhook{
		Name: "promotion-approval.landfall.dev", ClientConfig: cc(PromotionValidatePath),
		Rules: []admissionregistrationv1.RuleWithOperations{rule([]string{landfallv1alpha1.Group}, []string{"promotions"}, admissionregistrationv1.Create, admissionregistrationv1.Update)},
		MatchConditions: []admissionregistrationv1.MatchCondition{{
			Name: "approval-changes",
			Expression: "request.operation == 'CREATE' ? has(object.spec.approval) : " +
				"(has(object.spec.approval) != has(oldObject.spec.approval) || (has(object.spec.approval) && object.spec.approval != oldObject.spec.approval))",
		}},
		FailurePolicy: &fail, SideEffects: &none, TimeoutSeconds: &timeout, AdmissionReviewVersions: []string{"v1"},
	}
}
