package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// PrivilegedContainer flags containers that run privileged.
var PrivilegedContainer = posture.Check{
	ID:         "privileged-container",
	Title:      "Privileged container",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers with securityContext.privileged set to true. A privileged " +
		"container has every capability and all host devices, so a compromise of it is a " +
		"compromise of the node.",
	Remediation: "Remove securityContext.privileged or set it to false, and grant only the capabilities the container needs.",
	Run:         posture.PerContainer(privilegedContainer),
}

func privilegedContainer(c posture.Container) []posture.Violation {
	if v, _ := posture.Bool(c.Map, "securityContext", "privileged"); !v {
		return nil
	}
	return []posture.Violation{{
		Path:    c.At("securityContext.privileged"),
		Message: fmt.Sprintf("%s runs privileged", describe(c)),
	}}
}
