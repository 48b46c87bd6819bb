package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// NodeProxy reports requests proxied to a kubelet through the API server.
var NodeProxy = detect.Rule{
	ID:         "node-proxy",
	Title:      "Kubelet API reached through nodes/proxy",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9030", "MS-TA9041"},
	Description: "Reports nodes/proxy requests by users. nodes/proxy reaches the kubelet API as the API " +
		"server: it lists every pod on the node and runs commands in them without any pods/exec " +
		"audit event (Falco has no rule for it).",
	Response: "Find out what was called on the kubelet; grant nodes/proxy only to monitoring that needs it.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"nodes/proxy"}},
	}}},
	Match: nodeProxy,
}

func nodeProxy(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "nodes", "proxy") || !byUser(ev) {
		return "", false
	}
	return fmt.Sprintf("%s through nodes/proxy to the kubelet of node %s", ev.Verb, ev.Name()), true
}
