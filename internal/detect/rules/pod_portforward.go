package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// PodPortForward reports port forwarding into pods.
var PodPortForward = detect.Rule{
	ID:         "pod-portforward",
	Title:      "Port forward to pod",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9034"},
	Description: "Reports pods/portforward requests the authorizer allowed. Port forwarding tunnels the " +
		"client into the cluster network past Services, Ingresses and network policies at the edge.",
	Response: "Confirm the tunnel was expected; restrict pods/portforward to the roles that need it.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"pods/portforward"}},
	}}},
	Match: podPortForward,
}

func podPortForward(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "pods", "portforward") || !byUser(ev) {
		return "", false
	}
	return fmt.Sprintf("port forward to pod %s/%s", ev.Namespace(), ev.Name()), true
}
