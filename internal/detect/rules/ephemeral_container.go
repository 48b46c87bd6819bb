package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// EphemeralContainer reports ephemeral containers added to running pods.
var EphemeralContainer = detect.Rule{
	ID:         "ephemeral-container-added",
	Title:      "Ephemeral container added",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9011", "MS-TA9006"},
	Description: "Reports writes to pods/ephemeralcontainers (kubectl debug). The new container joins a " +
		"running pod, shares its network and optionally its processes, and runs any image: sidecar " +
		"injection without a redeploy.",
	Response: "Confirm who debugged the pod and why; restrict pods/ephemeralcontainers to break-glass roles.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"pods/ephemeralcontainers"}},
	}}},
	Match: ephemeralContainer,
}

func ephemeralContainer(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "pods", "ephemeralcontainers") || !ev.VerbIn("update", "patch") || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	return fmt.Sprintf("ephemeral container added to pod %s/%s", ev.Namespace(), ev.Name()), true
}
