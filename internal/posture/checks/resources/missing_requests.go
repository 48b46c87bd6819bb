package resources

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// MissingRequests flags containers without CPU or memory requests.
var MissingRequests = posture.Check{
	ID:         "resource-requests-missing",
	Title:      "CPU or memory request missing",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9040"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers (not ephemeral ones) without resources.requests for cpu or " +
		"memory. The scheduler then packs pods blindly and the container is first to be " +
		"starved or evicted under pressure.",
	Remediation: "Set resources.requests.cpu and resources.requests.memory from observed usage.",
	Run:         posture.PerContainer(missing("requests")),
}

// missing returns a container function that flags cpu or memory missing
// from resources.<field>.
func missing(field string) func(posture.Container) []posture.Violation {
	return func(c posture.Container) []posture.Violation {
		if c.Field == "ephemeralContainers" {
			return nil // ephemeral containers cannot have resources
		}
		var absent []string
		for _, r := range []string{"cpu", "memory"} {
			if _, ok := posture.Value(c.Map, "resources", field, r); !ok {
				absent = append(absent, r)
			}
		}
		if len(absent) == 0 {
			return nil
		}
		return []posture.Violation{{
			Path:    c.At("resources." + field),
			Message: fmt.Sprintf("container %q has no %s %s", c.Name, strings.Join(absent, " or "), field),
		}}
	}
}
