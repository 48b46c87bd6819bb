package cluster

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// EphemeralContainers flags pods with ephemeral (debug) containers.
var EphemeralContainers = posture.Check{
	ID:         "ephemeral-container-present",
	Title:      "Ephemeral container in pod",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9011", "MS-TA9006"},
	Kinds:      []string{"Pod"},
	Description: "Flags pods with ephemeral containers. They are added to running pods (kubectl " +
		"debug) and share the pod's namespaces, so an unexpected one is an injected sidecar.",
	Remediation: "Confirm who added the ephemeral container and why; restrict pods/ephemeralcontainers in RBAC to break-glass roles.",
	Run:         ephemeralContainers,
}

// ephemeralContainers names each ephemeral container, its image and the
// container whose process namespace it targets, if any.
func ephemeralContainers(pod *posture.Object, _ posture.Index) []posture.Violation {
	var out []posture.Violation
	for i, c := range posture.Maps(pod.U.Object, "spec", "ephemeralContainers") {
		msg := fmt.Sprintf("pod has ephemeral container %q running %s", posture.Str(c, "name"), posture.Str(c, "image"))
		if target := posture.Str(c, "targetContainerName"); target != "" {
			msg += fmt.Sprintf(" in the process namespace of %q", target)
		}
		out = append(out, posture.Violation{Path: fmt.Sprintf("spec.ephemeralContainers[%d]", i), Message: msg})
	}
	return out
}
