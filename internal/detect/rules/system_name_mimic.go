package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// SystemNameMimic reports pods and workloads named like system
// components, created by users.
var SystemNameMimic = detect.Rule{
	ID:         "system-pod-name-mimic",
	Title:      "Pod named like a system component",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9023"},
	Description: "Reports pods and workloads created by anyone but the control plane whose name starts " +
		"like a control-plane or add-on component (kube-proxy, coredns, etcd, kube-apiserver ...). " +
		"Real ones are created by their controllers or the kubelet; a look-alike hides a backdoor.",
	Response: "Compare the workload with the component it imitates and delete it if it is not the real one.",
	Needs:    []detect.Need{needPodBodies},
	Match:    systemNameMimic,
}

// systemPrefixes start the names of control-plane and add-on pods.
var systemPrefixes = []string{
	"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "etcd-", "coredns",
	"kube-dns", "calico-", "cilium", "aws-node", "azure-", "konnectivity-agent", "metrics-server",
}

func systemNameMimic(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !isPodKind(ev) || ev.Verb != "create" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	name := ev.Name()
	if o := ev.Object(); name == "" && o != nil {
		name = o.Metadata.Name
		if name == "" {
			name = o.Metadata.GenerateName
		}
	}
	for _, p := range systemPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("created %s, named like the system component %s", objectName(ev), strings.TrimSuffix(p, "-")), true
		}
	}
	return "", false
}
