package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// StaticPod reports mirror pods of static pods that are not control-plane
// components.
var StaticPod = detect.Rule{
	ID:         "static-pod-created",
	Title:      "Unknown static pod on a node",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9017"},
	Description: "A static pod is a manifest file in a node's kubelet directory: writing it needs the " +
		"node, not the API, so the audit log never shows who wrote it. What it shows is the kubelet " +
		"(system:node:NAME) creating the pod's mirror, named after the manifest with \"-NAME\" appended " +
		"and annotated kubernetes.io/config.mirror, each time the kubelet starts the pod or the " +
		"mirror is deleted. The rule reports mirror pods other than the control-plane components " +
		"kubeadm and the usual distributions run that way (kube-apiserver, kube-controller-manager, " +
		"kube-scheduler, etcd, kube-vip, haproxy, keepalived) in kube-system.",
	Response: "Inspect the node's static pod directory (/etc/kubernetes/manifests) and find out who could write to it; allow-list the image of a known node agent.",
	// Only creates of pods by nodes, but the shared need of the pod rules
	// keeps the generated policy free of a redundant rule.
	Needs: []detect.Need{needPodBodies},
	Match: staticPod,
}

// MirrorAnnotation marks the mirror pod of a static pod.
const mirrorAnnotation = "kubernetes.io/config.mirror"

// staticComponents are the names of the static pods of control planes.
var staticComponents = []string{
	"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kube-vip", "haproxy", "keepalived",
}

func staticPod(ev *detect.Event, _ *detect.Settings) (string, bool) {
	node, ok := strings.CutPrefix(ev.User.Username, "system:node:")
	if !ok || !ev.Is("", "pods", "") || ev.Verb != "create" || !ev.Allowed() || ev.Code() >= 300 {
		return "", false
	}
	name := ev.Name()
	o := ev.Object()
	if o != nil {
		// NodeRestriction admits only mirror pods from a kubelet.
		if _, mirror := o.Metadata.Annotations[mirrorAnnotation]; !mirror {
			return "", false
		}
		if name == "" {
			name = o.Metadata.Name
		}
	}
	manifest := strings.TrimSuffix(name, "-"+node)
	if ev.Namespace() == "kube-system" && slices.Contains(staticComponents, manifest) {
		return "", false
	}
	return fmt.Sprintf("kubelet of node %s created the mirror of static pod %s", node, objectName(ev)), true
}
