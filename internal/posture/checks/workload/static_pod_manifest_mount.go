package workload

import "github.com/landfall-dev/landfall/internal/posture"

// StaticPodManifestMount flags pods that mount the node's Kubernetes
// configuration, including the static-pod manifest directory.
var StaticPodManifestMount = posture.Check{
	ID:         "kubernetes-config-host-mount",
	Title:      "Node Kubernetes configuration mounted",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9017", "MS-TA9013"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags hostPath volumes of /etc/kubernetes (including the static-pod manifest " +
		"directory /etc/kubernetes/manifests) and the kubelet's PKI. A pod that can write " +
		"there can create static pods the API server cannot delete, or steal node credentials.",
	Remediation: "Remove the hostPath volume of /etc/kubernetes; node configuration belongs to node provisioning, not to pods.",
	Run: posture.PerPodSpec(hostPathChecker(func(p string) (string, bool) {
		if m, ok := underAny(p, []string{"/etc/kubernetes/manifests"}); ok {
			return m + " holds static-pod manifests the kubelet runs", true
		}
		nodeConfig := []string{
			"/etc/kubernetes", "/var/lib/kubelet/pki", "/var/lib/kubelet/config.yaml",
			"/var/lib/kubelet/kubeconfig", "/etc/systemd/system/kubelet.service.d",
		}
		if m, ok := underAny(p, nodeConfig); ok {
			return m + " holds node Kubernetes configuration and credentials", true
		}
		if p := cleanHostPath(p); p == "/" || p == "/etc" {
			return "it contains /etc/kubernetes, where static-pod manifests live", true
		}
		return "", false
	})),
}
