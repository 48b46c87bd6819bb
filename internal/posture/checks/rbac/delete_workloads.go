package rbac

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// DeleteWorkloads flags bindings that allow deleting workloads and data.
var DeleteWorkloads = posture.Check{
	ID:         "rbac-delete-workloads",
	Title:      "Workloads and volumes deletable",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9038"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants delete or deletecollection on workloads, " +
		"PersistentVolumeClaims or PersistentVolumes. An attacker with the subject's identity " +
		"can destroy data and applications.",
	Remediation: "Grant delete only to the controllers and operators that need it, and protect stateful data with backups and finalizers.",
	Run: perBinding(func(b *posture.Object, rule map[string]any) (string, bool) {
		verbs := []string{"delete", "deletecollection"}
		if what, ok := verbsOn("", []string{"pods", "persistentvolumeclaims", "persistentvolumes",
			"replicationcontrollers", "namespaces"}, verbs)(b, rule); ok {
			return what, true
		}
		if what, ok := verbsOn("apps", []string{"deployments", "statefulsets", "daemonsets", "replicasets"}, verbs)(b, rule); ok {
			return what, true
		}
		return verbsOn("batch", []string{"jobs", "cronjobs"}, verbs)(b, rule)
	}),
}
