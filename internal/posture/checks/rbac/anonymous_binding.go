package rbac

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// AnonymousBinding flags bindings to unauthenticated users.
var AnonymousBinding = posture.Check{
	ID:         "anonymous-binding",
	Title:      "Role bound to anonymous users",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9029"},
	Kinds:      bindingKinds,
	Description: "Flags bindings with the subject User system:anonymous or Group " +
		"system:unauthenticated. Anyone who reaches the API server gets the role without " +
		"credentials.",
	Remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects.",
	Run:         subjectsNamed(map[string]bool{"system:anonymous": true, "system:unauthenticated": true}),
}

// subjectsNamed returns a CheckFunc that flags binding subjects with one of
// the names, except bindings of the built-in discovery roles.
func subjectsNamed(names map[string]bool) posture.CheckFunc {
	return func(b *posture.Object, _ posture.Index) []posture.Violation {
		if builtinDiscovery(b) {
			return nil
		}
		var out []posture.Violation
		for i, s := range posture.Maps(b.U.Object, "subjects") {
			if !names[posture.Str(s, "name")] {
				continue
			}
			out = append(out, posture.Violation{
				Path: fmt.Sprintf("subjects[%d].name", i),
				Message: fmt.Sprintf("binds %s %s to %s %s %s", posture.Str(b.U.Object, "roleRef", "kind"),
					posture.Str(b.U.Object, "roleRef", "name"), posture.Str(s, "kind"), posture.Str(s, "name"), scope(b)),
			})
		}
		return out
	}
}

// builtinDiscovery reports whether a binding grants one of the discovery
// roles that every cluster binds to broad groups by default.
func builtinDiscovery(b *posture.Object) bool {
	switch posture.Str(b.U.Object, "roleRef", "name") {
	case "system:public-info-viewer", "system:discovery", "system:basic-user",
		"system:service-account-issuer-discovery", "system:cluster-trust-bundle-discovery":
		return true
	}
	return false
}
