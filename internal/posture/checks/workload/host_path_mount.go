package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// HostPathMount flags every hostPath volume.
var HostPathMount = posture.Check{
	ID:         "host-path-mount",
	Title:      "hostPath volume",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9013"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags pods with hostPath volumes. A hostPath ties the pod to the node's file " +
		"system; read-only mounts still leak node data and writable ones allow persistence " +
		"and escape. The checks writable-host-path and sensitive-host-path rank the worse cases.",
	Remediation: "Replace the hostPath volume with a persistent volume, ConfigMap, Secret or emptyDir.",
	Run:         posture.PerPodSpec(hostPathMount),
}

// hostPathMount reports each hostPath volume with its type when set (a
// Socket or CharDevice type says more than a path).
func hostPathMount(p posture.PodTemplate, _ posture.Index) []posture.Violation {
	var out []posture.Violation
	for i, v := range posture.Maps(p.Spec, "volumes") {
		hp, ok := v["hostPath"].(map[string]any)
		if !ok {
			continue
		}
		msg := fmt.Sprintf("volume %q mounts host path %s", posture.Str(v, "name"), posture.Str(hp, "path"))
		if t := posture.Str(hp, "type"); t != "" {
			msg += " (type " + t + ")"
		}
		out = append(out, posture.Violation{Path: fmt.Sprintf("%s.volumes[%d].hostPath", p.SpecPath, i), Message: msg})
	}
	return out
}
