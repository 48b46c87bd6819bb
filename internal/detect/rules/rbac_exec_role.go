package rules

import (
	"fmt"
	"slices"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// RBACExecRole reports roles written to grant pods/exec or pods/attach.
var RBACExecRole = detect.Rule{
	ID:         "rbac-pod-exec-role",
	Title:      "Role granting pods/exec written",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9006"},
	Description: "Reports Roles and ClusterRoles created, updated or patched to grant pods/exec or " +
		"pods/attach by name. Whoever is bound to it can run commands in every pod it covers.",
	Response: "Confirm the role is meant for break-glass access and bound only to those who need it.",
	Needs:    []detect.Need{needRBACBodies},
	Match:    rbacExecRole,
}

func rbacExecRole(ev *detect.Event, _ *detect.Settings) (string, bool) {
	o := roleWrite(ev)
	if o == nil {
		return "", false
	}
	for i, r := range o.Rules {
		for _, res := range []string{"pods/exec", "pods/attach"} {
			if slices.Contains(r.Resources, res) && (slices.Contains(r.Verbs, "create") || slices.Contains(r.Verbs, "get") || slices.Contains(r.Verbs, "*")) {
				return fmt.Sprintf("%s rules[%d] grants %s", objectName(ev), i, res), true
			}
		}
	}
	return "", false
}
