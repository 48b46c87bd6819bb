package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// PrivilegedPod reports pods and workloads written with a privileged
// container.
var PrivilegedPod = detect.Rule{
	ID:         "privileged-pod-created",
	Title:      "Privileged container created",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018"},
	Description: "Reports pods and workloads created, updated or patched with a container whose " +
		"securityContext.privileged is true. A privileged container has every capability and device " +
		"of the node: escaping it is one mount away.",
	Response: "Confirm the workload needs privileged mode (CNI, storage drivers); allow-list its image or remove the setting.",
	Needs:    []detect.Need{needPodBodies},
	Match:    privilegedPod,
}

func privilegedPod(ev *detect.Event, _ *detect.Settings) (string, bool) {
	spec := podWrite(ev)
	if spec == nil {
		return "", false
	}
	for _, c := range spec.AllContainers() {
		if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
			return fmt.Sprintf("%s runs container %q privileged", objectName(ev), c.Name), true
		}
	}
	return "", false
}
