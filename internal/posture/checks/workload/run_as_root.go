package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// RunAsRoot flags containers that are set to run as user 0.
var RunAsRoot = posture.Check{
	ID:         "run-as-root",
	Title:      "Container runs as root",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers whose effective securityContext.runAsUser is 0 or whose " +
		"runAsNonRoot is explicitly false. Root inside the container makes kernel and " +
		"mount-based escapes much easier.",
	Remediation: "Set securityContext.runAsUser to a non-zero UID and runAsNonRoot to true.",
	Run:         posture.PerContainer(runAsRoot),
}

func runAsRoot(c posture.Container) []posture.Violation {
	if v, set, path := effective(c, "runAsUser"); set {
		if uid, ok := posture.Int(map[string]any{"v": v}, "v"); ok && uid == 0 {
			return []posture.Violation{{Path: path, Message: fmt.Sprintf("%s runs as UID 0 (root)", describe(c))}}
		}
		return nil
	}
	if v, set, path := effective(c, "runAsNonRoot"); set && v == false {
		return []posture.Violation{{Path: path, Message: fmt.Sprintf("%s sets runAsNonRoot to false", describe(c))}}
	}
	return nil
}
