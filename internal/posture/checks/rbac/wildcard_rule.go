package rbac

import (
	"fmt"
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// WildcardRule flags Role and ClusterRole rules with a wildcard.
var WildcardRule = posture.Check{
	ID:         "rbac-wildcard-rule",
	Title:      "Wildcard in RBAC rule",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9019"},
	Kinds:      roleKinds,
	Description: "Flags Role and ClusterRole rules with * in verbs, resources or apiGroups. A " +
		"wildcard grants everything that exists now and every resource or verb added later, " +
		"including secrets and RBAC itself.",
	Remediation: "Replace the wildcard with the explicit verbs, resources and API groups the role needs.",
	Run:         wildcardRule,
}

func wildcardRule(obj *posture.Object, _ posture.Index) []posture.Violation {
	if obj.U.GetName() == "cluster-admin" && obj.U.GetLabels()["kubernetes.io/bootstrapping"] == "rbac-defaults" {
		return nil // the built-in role itself; bindings to it are flagged instead
	}
	var out []posture.Violation
	for i, rule := range posture.Maps(obj.U.Object, "rules") {
		for _, field := range []string{"verbs", "resources", "apiGroups"} {
			if slices.Contains(posture.Strings(rule, field), "*") {
				out = append(out, posture.Violation{
					Path:    fmt.Sprintf("rules[%d].%s", i, field),
					Message: fmt.Sprintf("rule %d has * in %s", i, field),
				})
			}
		}
	}
	return out
}
