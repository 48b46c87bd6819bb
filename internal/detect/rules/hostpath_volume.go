package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// HostPathVolume reports pods and workloads written with a writable
// hostPath volume.
var HostPathVolume = detect.Rule{
	ID:         "hostpath-volume-created",
	Title:      "Writable hostPath volume created",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9013"},
	Description: "Reports pods and workloads created, updated or patched with a hostPath volume that " +
		"some container mounts writable (or none mounts at all). Writing to the node's file system " +
		"survives the pod and can plant static pods, cron entries or binaries.",
	Response: "Use a persistent volume instead, or mount the path readOnly; allow-list node agents by image.",
	Needs:    []detect.Need{needPodBodies},
	Match:    hostPathVolume,
}

func hostPathVolume(ev *detect.Event, _ *detect.Settings) (string, bool) {
	spec := podWrite(ev)
	if spec == nil {
		return "", false
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil && writable(spec, v.Name) {
			return fmt.Sprintf("%s mounts host path %s writable (volume %q)", objectName(ev), v.HostPath.Path, v.Name), true
		}
	}
	return "", false
}

// writable reports whether a container mounts the volume without readOnly,
// or no container mounts it (a mount may be added later).
func writable(spec *detect.PodSpec, volume string) bool {
	mounted := false
	for _, c := range spec.AllContainers() {
		for _, m := range c.VolumeMounts {
			if m.Name != volume {
				continue
			}
			mounted = true
			if !m.ReadOnly {
				return true
			}
		}
	}
	return !mounted
}
