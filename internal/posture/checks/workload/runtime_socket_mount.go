package workload

import (
	"path"

	"github.com/landfall-dev/landfall/internal/posture"
)

// runtimeSockets are the file names of container-runtime API sockets.
var runtimeSockets = map[string]bool{
	"docker.sock": true, "containerd.sock": true, "crio.sock": true,
	"cri-dockerd.sock": true, "podman.sock": true, "dockershim.sock": true,
}

// RuntimeSocketMount flags pods that mount a container-runtime socket.
var RuntimeSocketMount = posture.Check{
	ID:         "container-runtime-socket-mount",
	Title:      "Container runtime socket mounted",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9013", "MS-TA9008", "MS-TA9018"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags hostPath volumes of the Docker, containerd or CRI-O socket (or their " +
		"directories). Whoever talks to the runtime socket can start privileged containers " +
		"on the node outside Kubernetes' control.",
	Remediation: "Remove the runtime socket mount; use the Kubernetes API or a purpose-built node agent instead.",
	Run: posture.PerPodSpec(hostPathChecker(func(p string) (string, bool) {
		p = cleanHostPath(p)
		if runtimeSockets[path.Base(p)] {
			return "the container runtime's API socket", true
		}
		switch p {
		case "/var/run/docker", "/run/containerd", "/var/run/containerd", "/var/run/crio", "/run/crio":
			return "the container runtime's socket directory", true
		}
		return "", false
	})),
}
