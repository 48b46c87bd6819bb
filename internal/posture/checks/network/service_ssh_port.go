package network

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ServiceSSHPort flags Services that forward to an SSH port.
var ServiceSSHPort = posture.Check{
	ID:         "service-ssh-port",
	Title:      "Service exposes SSH",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9010"},
	Kinds:      []string{"Service"},
	Description: "Flags Service ports with port or targetPort 22, or a port named ssh. An SSH " +
		"server in a pod is a remote-execution path outside Kubernetes RBAC and audit.",
	Remediation: "Remove the SSH port from the Service and the SSH server from the image.",
	Run:         serviceSSHPort,
}

func serviceSSHPort(svc *posture.Object, _ posture.Index) []posture.Violation {
	var out []posture.Violation
	for i, p := range posture.Maps(svc.U.Object, "spec", "ports") {
		port, _ := posture.Int(p, "port")
		target, _ := posture.Int(p, "targetPort")
		if port != 22 && target != 22 && posture.Str(p, "name") != "ssh" && posture.Str(p, "targetPort") != "ssh" {
			continue
		}
		out = append(out, posture.Violation{
			Path:    fmt.Sprintf("spec.ports[%d]", i),
			Message: fmt.Sprintf("Service forwards port %d to SSH", port),
		})
	}
	return out
}
