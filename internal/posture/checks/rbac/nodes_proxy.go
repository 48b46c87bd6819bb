package rbac

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// NodesProxy flags bindings that allow proxying to the kubelet API.
var NodesProxy = posture.Check{
	ID:         "rbac-nodes-proxy",
	Title:      "Kubelet API reachable through nodes/proxy",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9030"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants get or create on nodes/proxy. The subject " +
		"reaches every kubelet's API through the API server and can run commands in any pod " +
		"on the node, bypassing pods/exec authorization and audit.",
	Remediation: "Remove nodes/proxy from the role; monitoring agents should use the metrics endpoints instead.",
	Run:         perBinding(nodesProxy),
}

// nodesProxy matches nodes/proxy (also through nodes/* or *). Only a
// ClusterRoleBinding grants it: nodes are cluster-scoped, so a RoleBinding
// to the same rules gives nothing.
func nodesProxy(b *posture.Object, rule map[string]any) (string, bool) {
	if b.U.GetKind() != "ClusterRoleBinding" {
		return "", false
	}
	return verbsOn("", []string{"nodes/proxy"}, []string{"get", "create"})(b, rule)
}
