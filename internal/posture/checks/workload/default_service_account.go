package workload

import "github.com/landfall-dev/landfall/internal/posture"

// DefaultServiceAccount flags pods that run as the default service account
// with its token mounted.
var DefaultServiceAccount = posture.Check{
	ID:         "default-service-account",
	Title:      "Pod uses the default service account",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9016"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags pod specs without serviceAccountName (or with default) that do not " +
		"disable token automounting. Every such pod shares one identity, so permissions " +
		"granted for one workload leak to all of them in the namespace.",
	Remediation: "Create a dedicated ServiceAccount per workload and set serviceAccountName, or set automountServiceAccountToken to false.",
	Run:         posture.PerPodSpec(defaultServiceAccount),
}

func defaultServiceAccount(p posture.PodTemplate, _ posture.Index) []posture.Violation {
	sa := posture.Str(p.Spec, "serviceAccountName")
	if sa == "" {
		sa = posture.Str(p.Spec, "serviceAccount")
	}
	if sa != "" && sa != "default" {
		return nil
	}
	if v, set := posture.Bool(p.Spec, "automountServiceAccountToken"); set && !v {
		return nil
	}
	return []posture.Violation{{
		Path:    p.At("serviceAccountName"),
		Message: "pod runs as the namespace's default service account with its token mounted",
	}}
}
