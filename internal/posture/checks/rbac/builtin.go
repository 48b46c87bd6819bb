package rbac

// builtinClusterRoles holds the rules of the built-in ClusterRoles that
// bindings commonly reference, reduced to the rules the checks look at, so a
// binding to them is judged even when the role itself is not in the scan.
var builtinClusterRoles = map[string][]map[string]any{
	"cluster-admin": {
		rule([]string{"*"}, []string{"*"}, []string{"*"}),
	},
	"admin": append(editRules(),
		rule([]string{"rbac.authorization.k8s.io"}, []string{"roles", "rolebindings"},
			[]string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}),
	),
	"edit": editRules(),
}

func editRules() []map[string]any {
	write := []string{"create", "delete", "deletecollection", "patch", "update"}
	return []map[string]any{
		rule([]string{""}, []string{"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"},
			[]string{"get", "list", "watch"}),
		rule([]string{""}, []string{"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, write),
		rule([]string{""}, []string{"configmaps", "endpoints", "persistentvolumeclaims", "replicationcontrollers",
			"secrets", "serviceaccounts", "services", "services/proxy"}, write),
		rule([]string{""}, []string{"serviceaccounts"}, []string{"impersonate"}),
		rule([]string{""}, []string{"serviceaccounts/token"}, []string{"create"}),
		rule([]string{"apps"}, []string{"daemonsets", "deployments", "deployments/rollback", "deployments/scale",
			"replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"}, write),
		rule([]string{"batch"}, []string{"cronjobs", "jobs"}, write),
	}
}

func rule(groups, resources, verbs []string) map[string]any {
	return map[string]any{"apiGroups": anys(groups), "resources": anys(resources), "verbs": anys(verbs)}
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
