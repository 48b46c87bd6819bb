package rbac

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// broadGroups are the built-in groups that hold far more identities than
// their name suggests.
var broadGroups = map[string]string{
	"system:authenticated":   "every authenticated user",
	"system:serviceaccounts": "every service account in the cluster",
}

// AuthenticatedBinding flags bindings to every authenticated user or every
// service account.
var AuthenticatedBinding = posture.Check{
	ID:         "authenticated-group-binding",
	Title:      "Role bound to all authenticated users",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9029"},
	Kinds:      bindingKinds,
	Description: "Flags bindings with the subject Group system:authenticated or " +
		"system:serviceaccounts (other than the built-in discovery roles). On managed " +
		"clusters system:authenticated can include any identity of the cloud provider, and " +
		"system:serviceaccounts hands the role to every pod's token.",
	Remediation: "Bind the role to specific groups or service accounts instead of a cluster-wide group.",
	Run:         broadGroupBinding,
}

func broadGroupBinding(b *posture.Object, _ posture.Index) []posture.Violation {
	if builtinDiscovery(b) {
		return nil
	}
	var out []posture.Violation
	for i, s := range posture.Maps(b.U.Object, "subjects") {
		who, ok := broadGroups[posture.Str(s, "name")]
		if !ok || posture.Str(s, "kind") != "Group" {
			continue
		}
		out = append(out, posture.Violation{
			Path: fmt.Sprintf("subjects[%d].name", i),
			Message: fmt.Sprintf("binds %s %s to Group %s (%s) %s", posture.Str(b.U.Object, "roleRef", "kind"),
				posture.Str(b.U.Object, "roleRef", "name"), posture.Str(s, "name"), who, scope(b)),
		})
	}
	return out
}
