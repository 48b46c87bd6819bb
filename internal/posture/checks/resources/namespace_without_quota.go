package resources

import "github.com/landfall-dev/landfall/internal/posture"

// systemNamespaces are passed over by namespace checks.
var systemNamespaces = map[string]bool{"kube-system": true, "kube-public": true, "kube-node-lease": true}

// NamespaceWithoutQuota flags namespaces without a ResourceQuota.
var NamespaceWithoutQuota = posture.Check{
	ID:         "namespace-without-resource-quota",
	Title:      "Namespace without ResourceQuota",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9039", "MS-TA9040"},
	Kinds:      []string{"Namespace"},
	Lookups:    []posture.Lookup{{Kinds: []string{"ResourceQuota"}}},
	Description: "Flags namespaces (declared, or used by scanned objects) with no ResourceQuota " +
		"in the scan. Nothing caps how much CPU, memory and how many objects a compromised " +
		"account can create there. System namespaces are passed over.",
	Remediation: "Add a ResourceQuota to the namespace that caps requests, limits and object counts.",
	Run:         withoutKind("ResourceQuota"),
}

// withoutKind returns a namespace function that flags namespaces with no
// object of the kind.
func withoutKind(kind string) posture.CheckFunc {
	return func(ns *posture.Object, idx posture.Index) []posture.Violation {
		name := ns.U.GetName()
		if systemNamespaces[name] || len(idx.InNamespace(kind, name)) > 0 {
			return nil
		}
		return []posture.Violation{{Path: "metadata.name", Message: "namespace " + name + " has no " + kind}}
	}
}
