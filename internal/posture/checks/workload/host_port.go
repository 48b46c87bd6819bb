package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// HostPort flags containers that bind a port on the node.
var HostPort = posture.Check{
	ID:         "host-port",
	Title:      "Container binds a host port",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9034", "MS-TA9004"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags container ports with a hostPort. The port opens on the node's address, " +
		"outside Service load balancing and often outside NetworkPolicy enforcement.",
	Remediation: "Remove hostPort and expose the container through a Service.",
	Run:         posture.PerContainer(hostPort),
}

func hostPort(c posture.Container) []posture.Violation {
	var out []posture.Violation
	for i, p := range posture.Maps(c.Map, "ports") {
		hp, _ := posture.Int(p, "hostPort")
		if hp == 0 {
			continue
		}
		out = append(out, posture.Violation{
			Path:    c.At(fmt.Sprintf("ports[%d].hostPort", i)),
			Message: fmt.Sprintf("%s binds host port %d", describe(c), hp),
		})
	}
	return out
}
