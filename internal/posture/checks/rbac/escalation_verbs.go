package rbac

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// EscalationVerbs flags bindings that grant escalate, bind or impersonate.
var EscalationVerbs = posture.Check{
	ID:         "rbac-escalation-verbs",
	Title:      "RBAC escalate, bind or impersonate granted",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9019"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants escalate or bind on roles, or impersonate on " +
		"users, groups or service accounts. Each lets the subject gain permissions it does not " +
		"hold, up to cluster-admin.",
	Remediation: "Remove the escalate, bind and impersonate verbs from the role, or restrict them with resourceNames to specific harmless roles.",
	Run: perBinding(func(b *posture.Object, rule map[string]any) (string, bool) {
		if what, ok := verbsOn("rbac.authorization.k8s.io",
			[]string{"roles", "clusterroles"}, []string{"escalate", "bind"})(b, rule); ok {
			return what, true
		}
		if what, ok := verbsOn("", []string{"users", "groups", "serviceaccounts", "uids"},
			[]string{"impersonate"})(b, rule); ok {
			return what, true
		}
		return verbsOn("authentication.k8s.io", []string{"userextras/scopes", "uids"}, []string{"impersonate"})(b, rule)
	}),
}
