package webhook

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// Paths the handlers are served on.
const (
	SpaceValidatePath          = "/validate-landfall-dev-v1alpha1-space"
	SpaceMutatePath            = "/mutate-landfall-dev-v1alpha1-space"
	NamespaceValidatePath      = "/validate-v1-namespace"
	TemplateObjectValidatePath = "/validate-landfall-dev-template-object"
	QuotaValidatePath          = "/validate-landfall-dev-account-quota"
	// PromotionValidatePath is declared with its handler in promotion.go.
)

// Options configure the tenancy webhooks.
type Options struct {
	// Identities are exempt from the tenant rules; the zero value means
	// DefaultIdentities. Add the manager's own user name.
	Identities Identities
}

// Setup registers every tenancy webhook handler on the manager's webhook
// server. The webhook configurations (Configurations) must point at it.
func Setup(mgr ctrl.Manager, opts Options) {
	ids := opts.Identities
	if len(ids.Users) == 0 && len(ids.Groups) == 0 {
		ids = DefaultIdentities()
	}
	srv := mgr.GetWebhookServer()
	srv.Register(SpaceValidatePath, &admission.Webhook{Handler: &SpaceValidator{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Identities: ids}})
	srv.Register(SpaceMutatePath, &admission.Webhook{Handler: &SpaceDefaulter{}})
	srv.Register(NamespaceValidatePath, &admission.Webhook{Handler: &NamespaceValidator{Identities: ids}})
	srv.Register(TemplateObjectValidatePath, &admission.Webhook{Handler: &TemplateObjectValidator{Identities: ids}})
	srv.Register(QuotaValidatePath, &admission.Webhook{Handler: &QuotaValidator{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader()}})
	srv.Register(PromotionValidatePath, &admission.Webhook{Handler: &PromotionApprovalValidator{Client: mgr.GetClient()}})
}
