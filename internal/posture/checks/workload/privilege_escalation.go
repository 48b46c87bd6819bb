package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// PrivilegeEscalation flags containers that may gain more privileges than
// their parent process.
var PrivilegeEscalation = posture.Check{
	ID:         "privilege-escalation-allowed",
	Title:      "Privilege escalation allowed",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers whose securityContext.allowPrivilegeEscalation is not false. " +
		"Without it, setuid binaries and file capabilities let a process inside the container " +
		"gain privileges.",
	Remediation: "Set securityContext.allowPrivilegeEscalation to false on every container.",
	Run:         posture.PerContainer(privilegeEscalation),
}

func privilegeEscalation(c posture.Container) []posture.Violation {
	v, set := posture.Bool(c.Map, "securityContext", "allowPrivilegeEscalation")
	if set && !v {
		return nil
	}
	msg := fmt.Sprintf("%s does not set allowPrivilegeEscalation to false", describe(c))
	if set {
		msg = fmt.Sprintf("%s sets allowPrivilegeEscalation to true", describe(c))
	}
	return []posture.Violation{{Path: c.At("securityContext.allowPrivilegeEscalation"), Message: msg}}
}
