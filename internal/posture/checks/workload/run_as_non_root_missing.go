package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// RunAsNonRootMissing flags containers that do not require a non-root
// user.
var RunAsNonRootMissing = posture.Check{
	ID:         "run-as-non-root-missing",
	Title:      "runAsNonRoot not set",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers for which neither the container nor the pod sets " +
		"runAsNonRoot: true or a non-zero runAsUser, so the image's default user (often " +
		"root) applies. Explicit root is reported by run-as-root instead.",
	Remediation: "Set securityContext.runAsNonRoot to true on the pod or container, and build the image with a non-root USER.",
	Run:         posture.PerContainer(runAsNonRootMissing),
}

func runAsNonRootMissing(c posture.Container) []posture.Violation {
	// runAsNonRoot true is fine and false is run-as-root's finding; a set
	// runAsUser is either fine (non-zero) or run-as-root's finding (zero).
	_, nonRootSet, path := effective(c, "runAsNonRoot")
	if _, uidSet, _ := effective(c, "runAsUser"); nonRootSet || uidSet {
		return nil
	}
	return []posture.Violation{{
		Path:    path,
		Message: fmt.Sprintf("%s may run as root: neither runAsNonRoot nor runAsUser is set", describe(c)),
	}}
}
