package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// SystemRBACModified reports changes to the built-in ClusterRoles and
// ClusterRoleBindings.
var SystemRBACModified = detect.Rule{
	ID:         "system-rbac-modified",
	Title:      "System ClusterRole or binding modified",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9019"},
	Description: "Reports updates, patches and deletes of ClusterRoles and ClusterRoleBindings named " +
		"system:* or cluster-admin, admin, edit and view by anyone but the control plane. Widening a " +
		"built-in role quietly grants rights to everyone bound to it.",
	Response: "Compare the role with the API server's bootstrap policy and revert the change.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"update", "patch", "delete"}, Resources: []detect.GroupResources{
		{Group: "rbac.authorization.k8s.io", Resources: []string{"clusterroles", "clusterrolebindings"}},
	}}},
	Match: systemRBACModified,
}

// builtinRoles are the user-facing roles the API server bootstraps.
var builtinRoles = map[string]bool{"cluster-admin": true, "admin": true, "edit": true, "view": true}

func systemRBACModified(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ev.APIGroup() != "rbac.authorization.k8s.io" || !(ev.Resource() == "clusterroles" || ev.Resource() == "clusterrolebindings") ||
		!ev.VerbIn("update", "patch", "delete") || !byUser(ev) {
		return "", false
	}
	name := ev.Name()
	if !strings.HasPrefix(name, "system:") && !builtinRoles[name] {
		return "", false
	}
	return fmt.Sprintf("%s of built-in %s", ev.Verb, objectName(ev)), true
}
