package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// SensitiveHostPath reports pods and workloads that mount sensitive node
// paths.
var SensitiveHostPath = detect.Rule{
	ID:         "sensitive-hostpath-created",
	Title:      "Sensitive host path mounted",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9026", "MS-TA9013"},
	Description: "Reports pods and workloads created, updated or patched with a hostPath volume on a " +
		"sensitive node path, read-only or not: the root, /etc, /root, /proc, the container runtime " +
		"sockets, the kubelet's directory and /etc/kubernetes (Falco's list). They hold the node's " +
		"and the cloud's credentials or control the node outright.",
	Response: "Remove the mount; node agents that need it should be allow-listed by image.",
	Needs:    []detect.Need{needPodBodies},
	Match:    sensitiveHostPath,
}

// sensitivePaths are node paths whose mount is a node compromise; a path
// under one of the prefixes is sensitive too.
var (
	sensitivePaths = []string{
		"/", "/etc", "/root", "/proc", "/home/admin", "/var/run/docker.sock", "/run/docker.sock",
		"/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
		"/var/run/crio/crio.sock", "/run/crio/crio.sock", "/var/lib/kubelet", "/var/run", "/run",
	}
	sensitivePrefixes = []string{"/etc/kubernetes", "/var/lib/kubelet", "/root", "/proc"}
)

func sensitiveHostPath(ev *detect.Event, _ *detect.Settings) (string, bool) {
	spec := podWrite(ev)
	if spec == nil {
		return "", false
	}
	for _, v := range spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		p := path.Clean("/" + v.HostPath.Path)
		if isSensitive(p) {
			return fmt.Sprintf("%s mounts sensitive host path %s (volume %q)", objectName(ev), p, v.Name), true
		}
	}
	return "", false
}

func isSensitive(p string) bool {
	for _, s := range sensitivePaths {
		if p == s {
			return true
		}
	}
	for _, s := range sensitivePrefixes {
		if p == s || strings.HasPrefix(p, s+"/") {
			return true
		}
	}
	return false
}
