package workload

import (
	"fmt"
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// cloudIdentityAnnotations are ServiceAccount annotations that give its
// pods a cloud identity, with the cloud named in messages.
var cloudIdentityAnnotations = map[string]string{
	"eks.amazonaws.com/role-arn":        "AWS IAM role",
	"iam.gke.io/gcp-service-account":    "Google Cloud service account",
	"azure.workload.identity/client-id": "Azure managed identity",
}

// cloudIdentityLabels are pod labels that request a cloud identity.
var cloudIdentityLabels = map[string]string{
	"azure.workload.identity/use": "Azure workload identity",
	"aadpodidbinding":             "Azure AD pod identity",
}

// CloudWorkloadIdentity flags workloads and ServiceAccounts that carry a
// cloud identity.
var CloudWorkloadIdentity = posture.Check{
	ID:         "cloud-workload-identity",
	Title:      "Workload holds a cloud identity",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9028", "MS-TA9020"},
	Kinds:      append([]string{"ServiceAccount"}, posture.PodSpecKinds...),
	Description: "Flags ServiceAccounts annotated with a cloud identity (AWS IRSA role, GKE " +
		"workload identity, Azure workload identity) and pods labelled to receive one (Azure " +
		"workload identity, AAD pod identity). A compromised pod can fetch that identity's " +
		"tokens and act in the cloud account with its rights; the finding marks where to " +
		"verify that the identity is narrowly scoped.",
	Remediation: "Give each workload its own cloud identity with least-privilege permissions, and add an exception with the reason once its scope is reviewed.",
	Run:         cloudWorkloadIdentity,
}

func cloudWorkloadIdentity(o *posture.Object, _ posture.Index) []posture.Violation {
	if o.U.GetKind() == "ServiceAccount" {
		return identityViolations(o.U.GetAnnotations(), cloudIdentityAnnotations, "metadata.annotations", "ServiceAccount is bound to")
	}
	pt, ok := posture.PodTemplateOf(o)
	if !ok {
		return nil
	}
	labels := map[string]string{}
	for k, v := range posture.Map(pt.Meta, "labels") {
		labels[k], _ = v.(string)
	}
	if labels["azure.workload.identity/use"] == "false" {
		delete(labels, "azure.workload.identity/use")
	}
	return identityViolations(labels, cloudIdentityLabels, pt.MetaPath+".labels", "pods request")
}

// identityViolations reports each key of known present in m, in key order.
func identityViolations(m, known map[string]string, path, what string) []posture.Violation {
	var keys []string
	for k := range known {
		if m[k] != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []posture.Violation
	for _, k := range keys {
		out = append(out, posture.Violation{
			Path:    path + "[" + k + "]",
			Message: fmt.Sprintf("%s %s (%s)", what, known[k], k),
		})
	}
	return out
}
