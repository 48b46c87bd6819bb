package resources

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// MissingLimits flags containers without CPU or memory limits.
var MissingLimits = posture.Check{
	ID:         "resource-limits-missing",
	Title:      "CPU or memory limit missing",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9039", "MS-TA9040"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers (not ephemeral ones) without resources.limits for cpu or " +
		"memory. Without a memory limit a compromised or runaway container can exhaust the " +
		"node's memory and starve its neighbours; without a CPU limit it can take the node's " +
		"CPU for mining.",
	Remediation: "Set resources.limits.memory (and resources.limits.cpu, or a LimitRange default) for every container.",
	Run:         posture.PerContainer(missingLimits),
}

// missingLimits reports one violation per missing limit, since they enable
// different impacts.
func missingLimits(c posture.Container) []posture.Violation {
	if c.Field == "ephemeralContainers" {
		return nil // ephemeral containers cannot have resources
	}
	var out []posture.Violation
	for _, r := range []struct{ name, impact string }{
		{"memory", "can exhaust the node's memory"},
		{"cpu", "can take all of the node's CPU"},
	} {
		if _, ok := posture.Value(c.Map, "resources", "limits", r.name); ok {
			continue
		}
		out = append(out, posture.Violation{
			Path:    c.At("resources.limits." + r.name),
			Message: fmt.Sprintf("container %q has no %s limit and %s", c.Name, r.name, r.impact),
		})
	}
	return out
}
