package workload

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// SSHPort flags containers that expose an SSH port.
var SSHPort = posture.Check{
	ID:         "container-ssh-port",
	Title:      "Container exposes SSH",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9010"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers with a containerPort 22 or a port named ssh. An SSH server " +
		"in a container is a standing remote-execution path that bypasses Kubernetes RBAC " +
		"and audit logging.",
	Remediation: "Remove the SSH server and port from the image; use kubectl exec under RBAC for debugging.",
	Run:         posture.PerContainer(sshPort),
}

func sshPort(c posture.Container) []posture.Violation {
	var out []posture.Violation
	for i, p := range posture.Maps(c.Map, "ports") {
		port, _ := posture.Int(p, "containerPort")
		name := strings.ToLower(posture.Str(p, "name"))
		if port != 22 && name != "ssh" && port != 2222 {
			continue
		}
		out = append(out, posture.Violation{
			Path:    c.At(fmt.Sprintf("ports[%d].containerPort", i)),
			Message: fmt.Sprintf("%s exposes SSH port %d", describe(c), port),
		})
	}
	return out
}
