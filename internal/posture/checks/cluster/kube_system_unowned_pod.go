package cluster

import (
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// KubeSystemUnownedPod flags bare pods in kube-system.
var KubeSystemUnownedPod = posture.Check{
	ID:         "kube-system-unowned-pod",
	Title:      "Pod in kube-system without an owner",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9023", "MS-TA9017"},
	Kinds:      []string{"Pod"},
	Description: "Flags pods in kube-system that no controller owns and that are not static-pod " +
		"mirrors (annotation kubernetes.io/config.mirror). System components run from " +
		"DaemonSets, Deployments or node manifests; a bare pod there is someone's hand-made " +
		"backdoor or leftover. Pods named like a system component are left to " +
		"system-component-name-mimic. Most useful on a live cluster (landfall scan --cluster).",
	Remediation: "Find who created the pod (audit log), delete it unless it is expected, and run system add-ons from a controller.",
	Run: func(pod *posture.Object, _ posture.Index) []posture.Violation {
		if pod.U.GetNamespace() != "kube-system" || len(pod.U.GetOwnerReferences()) > 0 {
			return nil
		}
		if _, mirror := pod.U.GetAnnotations()["kubernetes.io/config.mirror"]; mirror {
			return nil
		}
		for _, p := range systemPrefixes {
			if strings.HasPrefix(pod.U.GetName(), p) {
				return nil // system-component-name-mimic reports it, more severely
			}
		}
		return []posture.Violation{{
			Path:    "metadata.ownerReferences",
			Message: "pod " + pod.U.GetName() + " in kube-system has no owner and is not a static pod",
		}}
	},
}
