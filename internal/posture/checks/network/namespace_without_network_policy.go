package network

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// systemNamespaces are passed over by namespace checks: they hold no user
// workloads (kube-public, kube-node-lease) or are managed by the platform.
var systemNamespaces = map[string]bool{"kube-system": true, "kube-public": true, "kube-node-lease": true}

// NamespaceWithoutNetworkPolicy flags namespaces with no NetworkPolicy.
var NamespaceWithoutNetworkPolicy = posture.Check{
	ID:         "namespace-without-network-policy",
	Title:      "Namespace without NetworkPolicy",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9031", "MS-TA9034"},
	Kinds:      []string{"Namespace"},
	Lookups:    []posture.Lookup{{Kinds: []string{"NetworkPolicy"}}},
	Description: "Flags namespaces (declared, or used by scanned objects) that have no " +
		"NetworkPolicy in the scan. Their pods accept traffic from every pod in the cluster, " +
		"so an attacker in any pod can map and reach them. kube-system, kube-public and " +
		"kube-node-lease are passed over.",
	Remediation: "Add a default-deny NetworkPolicy to the namespace and allow only the traffic its workloads need.",
	Run: func(ns *posture.Object, idx posture.Index) []posture.Violation {
		name := ns.U.GetName()
		if systemNamespaces[name] || len(idx.InNamespace("NetworkPolicy", name)) > 0 {
			return nil
		}
		return []posture.Violation{{Path: "metadata.name", Message: "namespace " + name + " has no NetworkPolicy"}}
	},
}
