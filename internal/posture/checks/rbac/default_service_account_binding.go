package rbac

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// DefaultServiceAccountBinding flags bindings that grant a role to a
// namespace's default service account.
var DefaultServiceAccountBinding = posture.Check{
	ID:         "default-service-account-binding",
	Title:      "Role bound to a default service account",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9016"},
	Kinds:      bindingKinds,
	Description: "Flags bindings whose subjects include the ServiceAccount named default. Every pod " +
		"that names no service account runs as default, so the role reaches every such pod of " +
		"the namespace, and whoever compromises one of them holds it.",
	Remediation: "Bind the role to a dedicated service account used only by the workloads that need it, and remove default from the binding.",
	Run: func(b *posture.Object, _ posture.Index) []posture.Violation {
		if builtinDiscovery(b) {
			return nil
		}
		var out []posture.Violation
		for i, s := range posture.Maps(b.U.Object, "subjects") {
			if posture.Str(s, "kind") != "ServiceAccount" || posture.Str(s, "name") != "default" {
				continue
			}
			ns := posture.Str(s, "namespace")
			if ns == "" {
				ns = b.U.GetNamespace()
			}
			out = append(out, posture.Violation{
				Path: fmt.Sprintf("subjects[%d]", i),
				Message: fmt.Sprintf("binds %s %s to the default service account of namespace %s",
					posture.Str(b.U.Object, "roleRef", "kind"), posture.Str(b.U.Object, "roleRef", "name"), ns),
			})
		}
		return out
	},
}
