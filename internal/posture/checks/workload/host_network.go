package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// HostNetwork flags pods that use the node's network namespace.
var HostNetwork = posture.Check{
	ID:         "host-network",
	Title:      "Host network namespace shared",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9036", "MS-TA9033", "MS-TA9034"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags pods with hostNetwork set to true. They bypass NetworkPolicies, can " +
		"sniff and spoof node traffic, reach node-local services and the cloud instance " +
		"metadata API.",
	Remediation: "Remove hostNetwork or set it to false, and expose ports through a Service.",
	Run:         posture.PerPodSpec(hostNetwork),
}

// hostNetwork flags hostNetwork: true. The message lists the container
// ports, which then open directly on every node the pod runs on.
func hostNetwork(p posture.PodTemplate, _ posture.Index) []posture.Violation {
	if v, _ := posture.Bool(p.Spec, "hostNetwork"); !v {
		return nil
	}
	var ports []int64
	for _, c := range p.Containers() {
		for _, port := range posture.Maps(c.Map, "ports") {
			if n, ok := posture.Int(port, "containerPort"); ok {
				ports = append(ports, n)
			}
		}
	}
	msg := "pod shares the node's network namespace (hostNetwork: true)"
	if len(ports) > 0 {
		msg += fmt.Sprintf(" and listens on node ports %v", ports)
	}
	return []posture.Violation{{Path: p.At("hostNetwork"), Message: msg}}
}
