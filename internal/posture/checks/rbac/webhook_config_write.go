package rbac

import "github.com/landfall-dev/landfall/internal/posture"

// WebhookConfigWrite flags bindings that allow changing admission webhooks.
var WebhookConfigWrite = posture.Check{
	ID:         "rbac-webhook-config-write",
	Title:      "Admission webhooks writable",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9015"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants create, update or patch on mutating or " +
		"validating webhook configurations, or delete on validating ones. The subject can " +
		"register a malicious admission controller that sees and changes every object, " +
		"secrets included, or remove the policies that would stop it.",
	Remediation: "Restrict write access to webhook configurations to the cluster's installers and operators.",
	Run:         perBinding(webhookConfigWrite),
}

// webhookConfigWrite matches writes to webhook configurations; these are
// cluster-scoped, so only ClusterRoleBindings grant them.
func webhookConfigWrite(b *posture.Object, rule map[string]any) (string, bool) {
	if b.U.GetKind() != "ClusterRoleBinding" {
		return "", false
	}
	const group = "admissionregistration.k8s.io"
	write := []string{"create", "update", "patch"}
	if what, ok := verbsOn(group, []string{"mutatingwebhookconfigurations", "validatingwebhookconfigurations"}, write)(b, rule); ok {
		return what, true
	}
	return verbsOn(group, []string{"validatingwebhookconfigurations", "validatingadmissionpolicies"}, []string{"delete"})(b, rule)
}
