package workload

import "github.com/landfall-dev/landfall/internal/posture"

// ServiceAccountTokenAutomount flags pods that get an API token they may
// not need.
var ServiceAccountTokenAutomount = posture.Check{
	ID:         "service-account-token-automount",
	Title:      "Service-account token automounted",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9016"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags pod specs that do not set automountServiceAccountToken: false. Every " +
		"container then holds a token that an attacker can use against the API server. The " +
		"pod-level setting is checked (it overrides the ServiceAccount's) so that findings do " +
		"not depend on whether the ServiceAccount is in the scan.",
	Remediation: "Set automountServiceAccountToken to false on the pod or its ServiceAccount, and mount a projected token only where the API is used.",
	Run:         posture.PerPodSpec(serviceAccountTokenAutomount),
}

// serviceAccountTokenAutomount reads only the pod spec, not the
// ServiceAccount: a streaming scan may not have indexed the account yet, and
// findings must not depend on input order.
func serviceAccountTokenAutomount(p posture.PodTemplate, _ posture.Index) []posture.Violation {
	v, set := posture.Bool(p.Spec, "automountServiceAccountToken")
	if set && !v {
		return nil
	}
	sa := posture.Str(p.Spec, "serviceAccountName")
	if sa == "" {
		sa = "default"
	}
	msg := "pod automounts the token of service account " + sa + " (automountServiceAccountToken is not false)"
	if set {
		msg = "pod automounts the token of service account " + sa + " (automountServiceAccountToken: true)"
	}
	return []posture.Violation{{Path: p.At("automountServiceAccountToken"), Message: msg}}
}
