package workload

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// dangerousCapabilities are the Linux capabilities that allow a container
// escape or control of the node's kernel, network or other processes.
var dangerousCapabilities = map[string]bool{
	"ALL": true, "SYS_ADMIN": true, "NET_ADMIN": true, "SYS_PTRACE": true,
	"SYS_MODULE": true, "DAC_READ_SEARCH": true, "DAC_OVERRIDE": true, "BPF": true,
	"PERFMON": true, "SYS_RAWIO": true, "SYS_BOOT": true, "SYS_TIME": true,
	"MAC_ADMIN": true, "MAC_OVERRIDE": true, "SYSLOG": true, "NET_RAW": true,
}

// DangerousCapabilities flags containers that add dangerous capabilities.
var DangerousCapabilities = posture.Check{
	ID:         "dangerous-capabilities",
	Title:      "Dangerous capabilities added",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018", "MS-TA9036"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers whose securityContext.capabilities.add holds a capability " +
		"such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH, BPF or ALL, " +
		"which open paths to escape the container or tamper with the node's network.",
	Remediation: "Remove the capability from securityContext.capabilities.add, or replace it with the narrowest capability the workload needs.",
	Run:         posture.PerContainer(dangerousCaps),
}

func dangerousCaps(c posture.Container) []posture.Violation {
	var out []posture.Violation
	for i, capability := range posture.Slice(c.Map, "securityContext", "capabilities", "add") {
		name, _ := capability.(string)
		name = strings.TrimPrefix(strings.ToUpper(name), "CAP_")
		if !dangerousCapabilities[name] {
			continue
		}
		out = append(out, posture.Violation{
			Path:    c.At(fmt.Sprintf("securityContext.capabilities.add[%d]", i)),
			Message: fmt.Sprintf("%s adds capability %s", describe(c), name),
		})
	}
	return out
}
