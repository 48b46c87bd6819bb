package rbac

import (
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// TokenCreate flags bindings that allow minting service-account tokens.
var TokenCreate = posture.Check{
	ID:         "rbac-token-create",
	Title:      "Service-account tokens mintable",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9016"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants create on serviceaccounts/token (the " +
		"TokenRequest API) for any account, or create on secrets (a Secret of type " +
		"kubernetes.io/service-account-token is filled with a non-expiring token). The " +
		"subject can then act as any service account in scope.",
	Remediation: "Remove create on serviceaccounts/token and secrets, or limit it with resourceNames to the accounts and secrets the subject may use.",
	Run:         perBinding(tokenCreate),
}

// tokenCreate matches unrestricted token minting; a rule limited by
// resourceNames to named accounts is a deliberate grant and is passed over.
func tokenCreate(b *posture.Object, rule map[string]any) (string, bool) {
	if len(posture.Strings(rule, "resourceNames")) > 0 {
		return "", false
	}
	if what, ok := verbsOn("", []string{"serviceaccounts/token"}, []string{"create"})(b, rule); ok {
		return what, true
	}
	if resources := posture.Strings(rule, "resources"); !slices.Contains(resources, "secrets") && !slices.Contains(resources, "*") {
		return "", false
	}
	return verbsOn("", []string{"secrets"}, []string{"create"})(b, rule)
}
