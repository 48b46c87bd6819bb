package rules

import (
	"fmt"
	"slices"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// RBACWildcardRole reports roles written with wildcard verbs or resources.
var RBACWildcardRole = detect.Rule{
	ID:         "rbac-wildcard-role",
	Title:      "Role with wildcard rights written",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9019"},
	Description: "Reports Roles and ClusterRoles created, updated or patched with \"*\" in verbs or " +
		"resources. A wildcard grants every present and future right, cluster-admin in all but name.",
	Response: "Replace the wildcard with the verbs and resources the subject needs.",
	Needs:    []detect.Need{needRBACBodies},
	Match:    rbacWildcardRole,
}

func rbacWildcardRole(ev *detect.Event, _ *detect.Settings) (string, bool) {
	o := roleWrite(ev)
	if o == nil {
		return "", false
	}
	for i, r := range o.Rules {
		if slices.Contains(r.Verbs, "*") || slices.Contains(r.Resources, "*") {
			return fmt.Sprintf("%s rules[%d] grants verbs %v on resources %v", objectName(ev), i, r.Verbs, r.Resources), true
		}
	}
	return "", false
}

// roleWrite returns the role of a create, update or patch of a Role or
// ClusterRole by a user; nil otherwise.
func roleWrite(ev *detect.Event) *detect.Object {
	if ev.APIGroup() != "rbac.authorization.k8s.io" || !(ev.Resource() == "clusterroles" || ev.Resource() == "roles") ||
		ev.Subresource() != "" || !ev.VerbIn(writeVerbs...) || !byUser(ev) {
		return nil
	}
	return ev.Object()
}
