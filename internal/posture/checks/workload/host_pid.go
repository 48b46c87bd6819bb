package workload

import "github.com/landfall-dev/landfall/internal/posture"

// HostPID flags pods that share the node's process namespace.
var HostPID = posture.Check{
	ID:         "host-pid",
	Title:      "Host PID namespace shared",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags pods with hostPID set to true. Their containers see every process on the " +
		"node and, with ptrace or root, can read other containers' memory and environment.",
	Remediation: "Remove hostPID or set it to false.",
	Run:         posture.PerPodSpec(hostPID),
}

// hostPID flags hostPID: true, and says when a container also holds
// SYS_PTRACE or runs privileged, which turns visibility into control of node
// processes.
func hostPID(p posture.PodTemplate, _ posture.Index) []posture.Violation {
	if v, _ := posture.Bool(p.Spec, "hostPID"); !v {
		return nil
	}
	msg := "pod shares the node's process namespace (hostPID: true)"
	for _, c := range p.Containers() {
		priv, _ := posture.Bool(c.Map, "securityContext", "privileged")
		ptrace := false
		for _, capability := range posture.Strings(c.Map, "securityContext", "capabilities", "add") {
			ptrace = ptrace || capability == "SYS_PTRACE" || capability == "CAP_SYS_PTRACE" || capability == "ALL"
		}
		if priv || ptrace {
			msg += "; " + describe(c) + " can also trace node processes"
			break
		}
	}
	return []posture.Violation{{Path: p.At("hostPID"), Message: msg}}
}
