package workload

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// AppArmorMissing flags containers that run without an AppArmor profile.
var AppArmorMissing = posture.Check{
	ID:         "apparmor-profile-missing",
	Title:      "No AppArmor profile",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers with neither an appArmorProfile (container, else pod) nor the " +
		"container.apparmor.security.beta.kubernetes.io annotation, or with an Unconfined " +
		"profile. On AppArmor nodes the profile confines file and mount access after a breakout attempt.",
	Remediation: "Set securityContext.appArmorProfile.type to RuntimeDefault (or Localhost) on the pod.",
	Run:         posture.PerContainer(appArmorMissing),
}

func appArmorMissing(c posture.Container) []posture.Violation {
	profile, set, path := effective(c, "appArmorProfile")
	typ := posture.Str(map[string]any{"p": profile}, "p", "type")
	if !set {
		if a, ok := c.Pod.Annotation("container.apparmor.security.beta.kubernetes.io/" + c.Name); ok {
			switch {
			case a == "runtime/default":
				typ = "RuntimeDefault"
			case strings.HasPrefix(a, "localhost/"):
				typ = "Localhost"
			case a == "unconfined":
				typ = "Unconfined"
			}
		}
	}
	switch typ {
	case "RuntimeDefault", "Localhost":
		return nil
	case "Unconfined":
		return []posture.Violation{{Path: path, Message: fmt.Sprintf("%s runs with AppArmor Unconfined", describe(c))}}
	}
	return []posture.Violation{{Path: path, Message: fmt.Sprintf("%s has no AppArmor profile", describe(c))}}
}
