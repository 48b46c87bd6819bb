package workload

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// NetRawNotDropped flags containers that keep the NET_RAW capability.
var NetRawNotDropped = posture.Check{
	ID:         "net-raw-not-dropped",
	Title:      "NET_RAW capability not dropped",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9036"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers that do not drop NET_RAW (or ALL). Container runtimes grant " +
		"NET_RAW by default; it lets a process craft raw packets for ARP poisoning and IP " +
		"spoofing against other pods on the node.",
	Remediation: "Add ALL (or at least NET_RAW) to securityContext.capabilities.drop.",
	Run:         posture.PerContainer(netRawNotDropped),
}

func netRawNotDropped(c posture.Container) []posture.Violation {
	if v, _ := posture.Bool(c.Map, "securityContext", "privileged"); v {
		return nil // privileged-container reports this container
	}
	for _, d := range posture.Strings(c.Map, "securityContext", "capabilities", "drop") {
		switch strings.TrimPrefix(strings.ToUpper(d), "CAP_") {
		case "ALL", "NET_RAW":
			return nil
		}
	}
	return []posture.Violation{{
		Path:    c.At("securityContext.capabilities.drop"),
		Message: fmt.Sprintf("%s does not drop NET_RAW", describe(c)),
	}}
}
