package rbac

import (
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// CoreDNSConfigMapWrite flags bindings that allow changing the CoreDNS
// configuration.
var CoreDNSConfigMapWrite = posture.Check{
	ID:         "rbac-coredns-configmap-write",
	Title:      "CoreDNS configuration writable",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9035"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings that grant update or patch on ConfigMaps in kube-system (a " +
		"ClusterRoleBinding, or a RoleBinding in kube-system), unless resourceNames excludes " +
		"coredns. Whoever edits the coredns ConfigMap can redirect cluster DNS names.",
	Remediation: "Remove ConfigMap write access in kube-system, or restrict it with resourceNames that do not include coredns.",
	Run: perBinding(func(b *posture.Object, rule map[string]any) (string, bool) {
		if b.U.GetKind() == "RoleBinding" && b.U.GetNamespace() != "kube-system" {
			return "", false
		}
		if names := posture.Strings(rule, "resourceNames"); len(names) > 0 && !slices.Contains(names, "coredns") {
			return "", false
		}
		return verbsOn("", []string{"configmaps"}, []string{"update", "patch"})(b, rule)
	}),
}
