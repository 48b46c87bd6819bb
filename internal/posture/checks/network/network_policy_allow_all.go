package network

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// NetworkPolicyAllowAll flags NetworkPolicies that allow all traffic.
var NetworkPolicyAllowAll = posture.Check{
	ID:         "network-policy-allow-all",
	Title:      "NetworkPolicy allows all traffic",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9034", "MS-TA9031"},
	Kinds:      []string{"NetworkPolicy"},
	Description: "Flags NetworkPolicy ingress or egress rules that are empty ({}), which allow " +
		"traffic from or to everywhere and cancel the namespace's isolation for the selected pods.",
	Remediation: "Give each rule from/to peers and ports that name the traffic the pods need.",
	Run: func(np *posture.Object, _ posture.Index) []posture.Violation {
		var out []posture.Violation
		for _, dir := range []string{"ingress", "egress"} {
			for i, rule := range posture.Slice(np.U.Object, "spec", dir) {
				if m, ok := rule.(map[string]any); ok && len(m) > 0 {
					continue
				}
				out = append(out, posture.Violation{
					Path:    fmt.Sprintf("spec.%s[%d]", dir, i),
					Message: fmt.Sprintf("%s rule %d is empty and allows all %s traffic", dir, i, dir),
				})
			}
		}
		return out
	},
}
