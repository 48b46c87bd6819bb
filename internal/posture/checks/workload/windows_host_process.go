package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// WindowsHostProcess flags Windows HostProcess containers.
var WindowsHostProcess = posture.Check{
	ID:         "windows-host-process",
	Title:      "Windows HostProcess container",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers (or pods) with securityContext.windowsOptions.hostProcess: " +
		"true. A HostProcess container runs directly on the Windows node with host access, " +
		"the Windows equivalent of privileged.",
	Remediation: "Remove windowsOptions.hostProcess, or confine HostProcess pods to a dedicated, tightly controlled namespace.",
	Run:         posture.PerContainer(windowsHostProcess),
}

func windowsHostProcess(c posture.Container) []posture.Violation {
	v, set, path := effective(c, "windowsOptions")
	if !set {
		return nil
	}
	if hp, _ := posture.Bool(map[string]any{"o": v}, "o", "hostProcess"); !hp {
		return nil
	}
	return []posture.Violation{{
		Path:    path + ".hostProcess",
		Message: fmt.Sprintf("%s runs as a Windows HostProcess container", describe(c)),
	}}
}
