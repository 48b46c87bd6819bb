package network

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// podSecurityEnforce is the Pod Security Admission label that enforces a
// level; warn and audit only report.
const podSecurityEnforce = "pod-security.kubernetes.io/enforce"

// PodSecurityLabelsMissing flags namespaces without an enforced Pod
// Security level.
var PodSecurityLabelsMissing = posture.Check{
	ID:         "pod-security-labels-missing",
	Title:      "Namespace without Pod Security enforcement",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9034", "MS-TA9031"},
	Kinds:      []string{"Namespace"},
	Description: "Flags namespaces (declared, or used by scanned objects) without the label " +
		"pod-security.kubernetes.io/enforce. Without it Pod Security Admission lets any pod " +
		"in, privileged and hostPath ones included, unless the cluster sets a default. " +
		"kube-system, kube-public and kube-node-lease are passed over.",
	Remediation: "Label the namespace pod-security.kubernetes.io/enforce=restricted (or baseline), after checking its workloads with a warn label.",
	Run: func(ns *posture.Object, _ posture.Index) []posture.Violation {
		name := ns.U.GetName()
		labels := ns.U.GetLabels()
		if systemNamespaces[name] || labels[podSecurityEnforce] != "" {
			return nil
		}
		msg := "namespace " + name + " has no " + podSecurityEnforce + " label"
		if labels["pod-security.kubernetes.io/warn"] != "" || labels["pod-security.kubernetes.io/audit"] != "" {
			msg += " (warn or audit only report violations)"
		}
		return []posture.Violation{{Path: "metadata.labels", Message: msg}}
	},
}
