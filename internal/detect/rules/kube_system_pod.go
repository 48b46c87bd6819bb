package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// KubeSystemPod reports pods and workloads created in the system
// namespaces by users.
var KubeSystemPod = detect.Rule{
	ID:         "kube-system-pod-created",
	Title:      "Pod created in a system namespace",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9023"},
	Description: "Reports pods and workloads created in kube-system or kube-public by anyone but the " +
		"control plane. Attackers hide there among the system components, which few people look at " +
		"and policies often exempt.",
	Response: "Confirm the workload belongs to a known cluster add-on; allow-list its image or installer.",
	Needs:    []detect.Need{needPodBodies},
	Match:    kubeSystemPod,
}

func kubeSystemPod(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ns := ev.Namespace(); ns != "kube-system" && ns != "kube-public" {
		return "", false
	}
	if !isPodKind(ev) || ev.Verb != "create" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	return fmt.Sprintf("created %s", objectName(ev)), true
}
