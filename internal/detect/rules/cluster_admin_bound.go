package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ClusterAdminBound reports bindings to the cluster-admin role.
var ClusterAdminBound = detect.Rule{
	ID:         "cluster-admin-bound",
	Title:      "Binding to cluster-admin",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9019"},
	Description: "Reports RoleBindings and ClusterRoleBindings created, updated or patched to grant the " +
		"cluster-admin ClusterRole. cluster-admin is every right on every object; an attacker with " +
		"bind or escalate rights grants it to keep full control.",
	Response: "Confirm the binding was approved; delete it otherwise and revoke the subject's credentials.",
	Needs:    []detect.Need{needRBACBodies},
	Match:    clusterAdminBound,
}

func clusterAdminBound(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ev.APIGroup() != "rbac.authorization.k8s.io" || !(ev.Resource() == "clusterrolebindings" || ev.Resource() == "rolebindings") ||
		ev.Subresource() != "" || !ev.VerbIn(writeVerbs...) || !byUser(ev) {
		return "", false
	}
	o := ev.Object()
	if o == nil || o.RoleRef == nil || o.RoleRef.Kind != "ClusterRole" || o.RoleRef.Name != "cluster-admin" {
		return "", false
	}
	return fmt.Sprintf("%s grants cluster-admin to %s", objectName(ev), subjects(o.Subjects)), true
}
