package rbac

import "github.com/landfall-dev/landfall/internal/posture"

// CreateWorkloads flags bindings that allow creating pods or workloads.
var CreateWorkloads = posture.Check{
	ID:         "rbac-create-workloads",
	Title:      "Pods and workloads creatable",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9008", "MS-TA9012"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings to a service account whose role grants create on pods, " +
		"deployments, daemonsets, statefulsets, jobs or cronjobs. A stolen token of that " +
		"account can start new or backdoor containers, which run with any service account " +
		"in the namespace.",
	Remediation: "Give service accounts create rights on workloads only where a controller needs them, and pair them with admission policy.",
	Run: perBinding(func(b *posture.Object, rule map[string]any) (string, bool) {
		if !hasServiceAccount(b) {
			return "", false
		}
		create := []string{"create"}
		if what, ok := verbsOn("", []string{"pods"}, create)(b, rule); ok {
			return what, true
		}
		if what, ok := verbsOn("apps", []string{"deployments", "daemonsets", "statefulsets", "replicasets"}, create)(b, rule); ok {
			return what, true
		}
		return verbsOn("batch", []string{"jobs", "cronjobs"}, create)(b, rule)
	}),
}

func hasServiceAccount(b *posture.Object) bool {
	for _, s := range posture.Maps(b.U.Object, "subjects") {
		if posture.Str(s, "kind") == "ServiceAccount" {
			return true
		}
	}
	return false
}
