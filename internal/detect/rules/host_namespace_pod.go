package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// HostNamespacePod reports pods and workloads that share the node's
// namespaces.
var HostNamespacePod = detect.Rule{
	ID:         "host-namespace-pod-created",
	Title:      "Pod sharing host namespaces created",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018", "MS-TA9036"},
	Description: "Reports pods and workloads created, updated or patched with hostNetwork, hostPID or " +
		"hostIPC. They see the node's processes or traffic, and on the host network can spoof " +
		"addresses and reach the node's local services.",
	Response: "Remove the host namespace unless the workload is a node agent; allow-list node agents by image.",
	Needs:    []detect.Need{needPodBodies},
	Match:    hostNamespacePod,
}

func hostNamespacePod(ev *detect.Event, _ *detect.Settings) (string, bool) {
	spec := podWrite(ev)
	if spec == nil {
		return "", false
	}
	var ns []string
	if spec.HostNetwork {
		ns = append(ns, "hostNetwork")
	}
	if spec.HostPID {
		ns = append(ns, "hostPID")
	}
	if spec.HostIPC {
		ns = append(ns, "hostIPC")
	}
	if len(ns) == 0 {
		return "", false
	}
	return fmt.Sprintf("%s uses %s", objectName(ev), strings.Join(ns, ", ")), true
}
