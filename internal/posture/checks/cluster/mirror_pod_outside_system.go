package cluster

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// MirrorPodOutsideSystem flags static pods outside kube-system.
var MirrorPodOutsideSystem = posture.Check{
	ID:         "static-pod-outside-kube-system",
	Title:      "Static pod outside kube-system",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9017"},
	Kinds:      []string{"Pod"},
	Description: "Flags mirror pods (annotation kubernetes.io/config.mirror) outside kube-system. " +
		"Static pods come from manifests on a node and cannot be deleted through the API; " +
		"outside the control plane they suggest persistence written onto a node.",
	Remediation: "Find the node whose /etc/kubernetes/manifests holds the pod's manifest and remove it unless it is expected.",
	Run:         mirrorPodOutsideSystem,
}

// mirrorPodOutsideSystem names the node the static pod comes from, taken
// from spec.nodeName or the Node owner reference.
func mirrorPodOutsideSystem(pod *posture.Object, _ posture.Index) []posture.Violation {
	if _, mirror := pod.U.GetAnnotations()["kubernetes.io/config.mirror"]; !mirror || pod.U.GetNamespace() == "kube-system" {
		return nil
	}
	node := posture.Str(pod.U.Object, "spec", "nodeName")
	for _, ref := range pod.U.GetOwnerReferences() {
		if ref.Kind == "Node" && node == "" {
			node = ref.Name
		}
	}
	msg := "static pod " + pod.U.GetName() + " runs in namespace " + pod.U.GetNamespace()
	if node != "" {
		msg += " from a manifest on node " + node
	}
	return []posture.Violation{{Path: "metadata.annotations", Message: msg}}
}
