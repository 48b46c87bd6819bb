package version

import (
	"os"
	"regexp"
	"testing"
)

// The control plane that localcluster runs is whatever hack/k8s builds; the
// version the binary reports must not drift from it.
func TestKubernetesVersionMatchesHackModule(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../hack/k8s/go.mod")
	if err != nil {
		t.Fatalf("reading hack/k8s/go.mod: %v", err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/kubernetes (v\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("hack/k8s/go.mod does not require k8s.io/kubernetes")
	}
	if got := string(m[1]); got != KubernetesVersion {
		t.Fatalf("hack/k8s pins k8s.io/kubernetes %s but version.KubernetesVersion is %s", got, KubernetesVersion)
	}
}

func TestGetReportsPlatformAndVersions(t *testing.T) {
	t.Parallel()
	info := Get()
	if info.Landfall == "" || info.Kubernetes != KubernetesVersion || info.Go == "" || info.Platform == "" {
		t.Fatalf("incomplete version info: %+v", info)
	}
}
