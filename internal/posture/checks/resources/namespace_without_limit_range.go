package resources

import "github.com/landfall-dev/landfall/internal/posture"

// NamespaceWithoutLimitRange flags namespaces without a LimitRange that
// gives containers default limits.
var NamespaceWithoutLimitRange = posture.Check{
	ID:         "namespace-without-limit-range",
	Title:      "Namespace without LimitRange",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9040"},
	Kinds:      []string{"Namespace"},
	Lookups:    []posture.Lookup{{Kinds: []string{"LimitRange"}}},
	Description: "Flags namespaces (declared, or used by scanned objects) with no LimitRange in " +
		"the scan, or only LimitRanges that set no default container limits, so containers " +
		"that omit limits get none. System namespaces are passed over.",
	Remediation: "Add a LimitRange with default requests and limits for containers to the namespace.",
	Run:         namespaceWithoutLimitRange,
}

func namespaceWithoutLimitRange(ns *posture.Object, idx posture.Index) []posture.Violation {
	name := ns.U.GetName()
	if systemNamespaces[name] {
		return nil
	}
	ranges := idx.InNamespace("LimitRange", name)
	for _, lr := range ranges {
		for _, l := range posture.Maps(lr.U.Object, "spec", "limits") {
			if posture.Str(l, "type") == "Container" && len(posture.Map(l, "default")) > 0 {
				return nil
			}
		}
	}
	msg := "namespace " + name + " has no LimitRange"
	if len(ranges) > 0 {
		msg = "namespace " + name + " has no LimitRange with default container limits"
	}
	return []posture.Violation{{Path: "metadata.name", Message: msg}}
}
