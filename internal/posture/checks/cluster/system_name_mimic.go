package cluster

import (
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// systemPrefixes are name prefixes of control-plane and node components.
var systemPrefixes = []string{"kube-apiserver-", "kube-controller-manager-", "kube-scheduler-",
	"etcd-", "coredns-", "kube-proxy-", "kube-dns-", "metrics-server-", "cloud-controller-manager-"}

// SystemNameMimic flags pods that look like system components but are not.
var SystemNameMimic = posture.Check{
	ID:         "system-component-name-mimic",
	Title:      "Pod mimics a system component",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9023"},
	Kinds:      []string{"Pod"},
	Description: "Flags pods in kube-system named like control-plane or node components " +
		"(kube-apiserver-*, etcd-*, coredns-*, kube-proxy-*, ...) that have no ownerReferences " +
		"and are not mirror pods. Real ones are created by a controller or the kubelet; a bare " +
		"pod with such a name is camouflage.",
	Remediation: "Delete the pod and investigate how it was created; run system components only from their controllers or static-pod manifests.",
	Run: func(pod *posture.Object, _ posture.Index) []posture.Violation {
		if pod.U.GetNamespace() != "kube-system" || len(pod.U.GetOwnerReferences()) > 0 {
			return nil
		}
		if _, mirror := pod.U.GetAnnotations()["kubernetes.io/config.mirror"]; mirror {
			return nil
		}
		for _, p := range systemPrefixes {
			if strings.HasPrefix(pod.U.GetName(), p) {
				return []posture.Violation{{
					Path:    "metadata.name",
					Message: "pod " + pod.U.GetName() + " is named like a " + strings.TrimSuffix(p, "-") + " pod but has no owner",
				}}
			}
		}
		return nil
	},
}
