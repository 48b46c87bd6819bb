package rbac

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// DeleteEvents flags bindings that allow deleting Events.
var DeleteEvents = posture.Check{
	ID:         "rbac-delete-events",
	Title:      "Events deletable",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9022"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants delete or deletecollection on events (core or " +
		"events.k8s.io), or update and patch, which can rewrite them. Deleting or rewriting " +
		"events hides an attacker's activity from operators.",
	Remediation: "Remove delete, deletecollection, update and patch on events from the role; only the API server and controllers should write them.",
	Run:         perBinding(deleteEvents),
}

// deleteEvents matches rules that let the subject erase or rewrite events
// in either events API group.
func deleteEvents(b *posture.Object, rule map[string]any) (string, bool) {
	verbs := []string{"delete", "deletecollection", "update", "patch"}
	for _, group := range []string{"", "events.k8s.io"} {
		if what, ok := verbsOn(group, []string{"events"}, verbs)(b, rule); ok {
			return what, true
		}
	}
	return "", false
}
