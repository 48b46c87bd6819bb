package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ProcMountUnmasked flags containers with an unmasked /proc.
var ProcMountUnmasked = posture.Check{
	ID:         "proc-mount-unmasked",
	Title:      "Unmasked /proc",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers with securityContext.procMount: Unmasked, which exposes the " +
		"parts of /proc the runtime normally hides, such as kernel tunables and other " +
		"processes' details.",
	Remediation: "Remove securityContext.procMount or set it to Default.",
	Run:         posture.PerContainer(procMountUnmasked),
}

func procMountUnmasked(c posture.Container) []posture.Violation {
	if posture.Str(c.Map, "securityContext", "procMount") != "Unmasked" {
		return nil
	}
	return []posture.Violation{{
		Path:    c.At("securityContext.procMount"),
		Message: fmt.Sprintf("%s mounts /proc unmasked", describe(c)),
	}}
}
