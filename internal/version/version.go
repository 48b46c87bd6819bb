package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// KubernetesVersion is the Kubernetes release whose control plane
// (kube-apiserver, kube-controller-manager, kube-scheduler) hack/k8s builds
// and internal/localcluster runs. It must equal the k8s.io/kubernetes
// version pinned in hack/k8s/go.mod.
const KubernetesVersion = "v1.37.2"

// landfall is set by the linker; "dev" for plain `go build`.
var landfall = "dev"

// Info describes one build of the landfall binary.
type Info struct {
	// Landfall is Landfall's own version.
	Landfall string `json:"landfall"`
	// Kubernetes is the control-plane release the local cluster runs.
	Kubernetes string `json:"kubernetes"`
	// ClientGo is the k8s.io/client-go version compiled into the binary.
	ClientGo string `json:"clientGo,omitempty"`
	// Go is the Go toolchain that built the binary.
	Go string `json:"go"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
}

// Get returns the version information of the running binary.
func Get() Info {
	info := Info{
		Landfall:   landfall,
		Kubernetes: KubernetesVersion,
		Go:         runtime.Version(),
		Platform:   runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.ClientGo = moduleVersion(bi, "k8s.io/client-go")
		if info.Landfall == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Landfall = bi.Main.Version
		}
	}
	return info
}

func moduleVersion(bi *debug.BuildInfo, path string) string {
	for _, dep := range bi.Deps {
		if dep.Path == path {
			if dep.Replace != nil {
				return dep.Replace.Version
			}
			return strings.TrimSpace(dep.Version)
		}
	}
	return ""
}
