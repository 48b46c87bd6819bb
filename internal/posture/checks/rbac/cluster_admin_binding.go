package rbac

import (
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ClusterAdminBinding flags bindings that grant cluster-admin or an
// equivalent all-powerful role.
var ClusterAdminBinding = posture.Check{
	ID:         "cluster-admin-binding",
	Title:      "Cluster-admin binding",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9019"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags RoleBindings and ClusterRoleBindings to cluster-admin or to a role with a " +
		"rule granting every verb on every resource. Its subjects own the cluster (or the " +
		"namespace) outright.",
	Remediation: "Bind a role that grants only the verbs and resources the subjects need, and keep cluster-admin for break-glass accounts.",
	Run:         perBinding(allPowerful),
}

func allPowerful(_ *posture.Object, rule map[string]any) (string, bool) {
	verbs := posture.Strings(rule, "verbs")
	resources := posture.Strings(rule, "resources")
	groups := posture.Strings(rule, "apiGroups")
	if slices.Contains(verbs, "*") && slices.Contains(resources, "*") && slices.Contains(groups, "*") {
		return "grants * on * in every API group", true
	}
	return "", false
}
