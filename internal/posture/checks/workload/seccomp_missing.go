package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// SeccompMissing flags containers that run without a seccomp profile.
var SeccompMissing = posture.Check{
	ID:         "seccomp-profile-missing",
	Title:      "No seccomp profile",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers whose effective seccompProfile (container, else pod; or the " +
		"legacy seccomp annotations) is unset or Unconfined. Without seccomp every system " +
		"call, including those used by kernel exploits, is open.",
	Remediation: "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a vetted profile) on the pod.",
	Run:         posture.PerContainer(seccompMissing),
}

func seccompMissing(c posture.Container) []posture.Violation {
	profile, set, path := effective(c, "seccompProfile")
	typ := posture.Str(map[string]any{"p": profile}, "p", "type")
	if !set {
		if a, ok := c.Pod.Annotation("container.seccomp.security.alpha.kubernetes.io/" + c.Name); ok {
			typ = annotationProfile(a)
		} else if a, ok := c.Pod.Annotation("seccomp.security.alpha.kubernetes.io/pod"); ok {
			typ = annotationProfile(a)
		}
	}
	switch typ {
	case "RuntimeDefault", "Localhost":
		return nil
	case "Unconfined":
		return []posture.Violation{{Path: path, Message: fmt.Sprintf("%s runs with seccomp Unconfined", describe(c))}}
	}
	return []posture.Violation{{Path: path, Message: fmt.Sprintf("%s has no seccomp profile", describe(c))}}
}

// annotationProfile maps a legacy seccomp annotation value to a type.
func annotationProfile(v string) string {
	switch {
	case v == "runtime/default" || v == "docker/default":
		return "RuntimeDefault"
	case len(v) > 10 && v[:10] == "localhost/":
		return "Localhost"
	case v == "unconfined":
		return "Unconfined"
	}
	return ""
}
