package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// WritableHostPath flags containers that mount a hostPath volume writable.
var WritableHostPath = posture.Check{
	ID:         "writable-host-path",
	Title:      "Writable hostPath mount",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9013"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags volumeMounts of hostPath volumes without readOnly: true (on the mount " +
		"or the volume). A writable host mount lets an attacker plant files on the node for " +
		"persistence and escape.",
	Remediation: "Set readOnly: true on the volumeMount, or replace the hostPath volume.",
	Run:         posture.PerContainer(writableHostPath),
}

func writableHostPath(c posture.Container) []posture.Violation {
	hostPaths := map[string]string{}
	for _, v := range posture.Maps(c.Pod.Spec, "volumes") {
		if hp := posture.Map(v, "hostPath"); hp != nil {
			hostPaths[posture.Str(v, "name")] = posture.Str(hp, "path")
		}
	}
	if len(hostPaths) == 0 {
		return nil
	}
	var out []posture.Violation
	for i, m := range posture.Maps(c.Map, "volumeMounts") {
		hostPath, ok := hostPaths[posture.Str(m, "name")]
		if !ok {
			continue
		}
		if ro, _ := posture.Bool(m, "readOnly"); ro {
			continue
		}
		out = append(out, posture.Violation{
			Path: c.At(fmt.Sprintf("volumeMounts[%d].readOnly", i)),
			Message: fmt.Sprintf("%s mounts host path %s writable at %s",
				describe(c), hostPath, posture.Str(m, "mountPath")),
		})
	}
	return out
}
