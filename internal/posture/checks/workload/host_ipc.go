package workload

import "github.com/landfall-dev/landfall/internal/posture"

// HostIPC flags pods that share the node's IPC namespace.
var HostIPC = posture.Check{
	ID:         "host-ipc",
	Title:      "Host IPC namespace shared",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags pods with hostIPC set to true. Their containers can read and write the " +
		"shared memory and message queues of every process on the node.",
	Remediation: "Remove hostIPC or set it to false.",
	Run:         posture.PerPodSpec(hostIPC),
}

// hostIPC flags hostIPC: true and says what the containers can reach: with
// it, /dev/shm and System V IPC objects of node processes and of every
// other hostIPC pod are shared.
func hostIPC(p posture.PodTemplate, _ posture.Index) []posture.Violation {
	if v, _ := posture.Bool(p.Spec, "hostIPC"); !v {
		return nil
	}
	msg := "pod shares the node's IPC namespace (hostIPC: true)"
	for _, v := range posture.Maps(p.Spec, "volumes") {
		if posture.Str(v, "hostPath", "path") == "/dev/shm" {
			msg += " and mounts the node's /dev/shm"
			break
		}
	}
	return []posture.Violation{{Path: p.At("hostIPC"), Message: msg}}
}
