package workload

import "github.com/landfall-dev/landfall/internal/posture"

// sensitiveHostPaths are node paths whose contents give control of the node
// or its secrets. Runtime sockets, Kubernetes config and cloud credentials
// have their own checks.
var sensitiveHostPaths = []string{
	"/", "/etc", "/root", "/home", "/proc", "/sys", "/boot", "/dev",
	"/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/log",
	"/run", "/var/run",
}

// SensitiveHostPath flags hostPath volumes of sensitive node directories.
var SensitiveHostPath = posture.Check{
	ID:         "sensitive-host-path",
	Title:      "Sensitive host path mounted",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9013", "MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags hostPath volumes of /, /etc, /root, /home, /proc, /sys, /dev, the " +
		"kubelet and container-runtime state directories, /var/log and /run, which hold node " +
		"credentials, other pods' data and control interfaces.",
	Remediation: "Remove the hostPath volume; if a node agent truly needs it, mount the narrowest subdirectory read-only.",
	Run: posture.PerPodSpec(hostPathChecker(func(p string) (string, bool) {
		p = cleanHostPath(p)
		for _, s := range sensitiveHostPaths {
			if p == s {
				return "a sensitive node directory", true
			}
		}
		if m, ok := underAny(p, []string{"/var/lib/kubelet", "/etc/ssh", "/root", "/proc", "/sys"}); ok {
			return "inside the sensitive node directory " + m, true
		}
		return "", false
	})),
}
