package tenancy

import (
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// BaselineTemplateName is the name of the template Baseline returns.
const BaselineTemplateName = "baseline"

// Names of the objects of the baseline template.
const (
	BaselineResourceQuota      = "space-quota"
	BaselineLimitRange         = "space-defaults"
	BaselineDenyIngress        = "default-deny-ingress"
	BaselineAllowSameAccount   = "allow-same-account"
	BaselineAllowDNSEgress     = "allow-dns-egress"
	baselinePodSecurityDefault = "restricted"
)

// Baseline returns the standard template every account should make
// mandatory: a ResourceQuota and LimitRange with defaults, a NetworkPolicy
// set (deny ingress by default, allow ingress from and egress to the same
// account's spaces by the controller-owned landfall.dev/account label,
// allow DNS egress) and Pod Security Admission labels, enforce restricted
// by default. Together the egress policies limit egress to DNS and the
// account's own spaces.
func Baseline() *landfallv1alpha1.Template {
	def := func(s string) *string { return &s }
	quantity := `[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?`
	return &landfallv1alpha1.Template{
		TypeMeta:   metav1.TypeMeta{APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.TemplateKind},
		ObjectMeta: metav1.ObjectMeta{Name: BaselineTemplateName},
		Spec: landfallv1alpha1.TemplateSpec{
			Description: "Standard guard-rails of a space: quota and limit defaults, network isolation per account, Pod Security restricted.",
			Parameters: []landfallv1alpha1.TemplateParameter{
				{Name: "POD_SECURITY", Description: "Pod Security Admission level enforced", Default: def(baselinePodSecurityDefault), Validation: "privileged|baseline|restricted"},
				{Name: "QUOTA_PODS", Description: "maximum pods in the space", Default: def("50"), Validation: "[0-9]+"},
				{Name: "QUOTA_CPU", Description: "total CPU requests in the space", Default: def("8"), Validation: quantity},
				{Name: "QUOTA_MEMORY", Description: "total memory requests in the space", Default: def("16Gi"), Validation: quantity},
				{Name: "DEFAULT_CPU_REQUEST", Description: "CPU request of containers that set none", Default: def("50m"), Validation: quantity},
				{Name: "DEFAULT_MEMORY_REQUEST", Description: "memory request of containers that set none", Default: def("64Mi"), Validation: quantity},
				{Name: "DEFAULT_CPU_LIMIT", Description: "CPU limit of containers that set none", Default: def("500m"), Validation: quantity},
				{Name: "DEFAULT_MEMORY_LIMIT", Description: "memory limit of containers that set none", Default: def("256Mi"), Validation: quantity},
			},
			NamespaceLabels: map[string]string{
				PodSecurityPrefix + "enforce":         "${POD_SECURITY}",
				PodSecurityPrefix + "enforce-version": "latest",
				PodSecurityPrefix + "audit":           "restricted",
				PodSecurityPrefix + "warn":            "restricted",
			},
			Resources: rawObjects(
				map[string]any{
					"apiVersion": "v1", "kind": "ResourceQuota",
					"metadata": map[string]any{"name": BaselineResourceQuota},
					"spec": map[string]any{"hard": map[string]any{
						"pods": "${QUOTA_PODS}", "requests.cpu": "${QUOTA_CPU}", "requests.memory": "${QUOTA_MEMORY}",
					}},
				},
				map[string]any{
					"apiVersion": "v1", "kind": "LimitRange",
					"metadata": map[string]any{"name": BaselineLimitRange},
					"spec": map[string]any{"limits": []any{map[string]any{
						"type":           "Container",
						"defaultRequest": map[string]any{"cpu": "${DEFAULT_CPU_REQUEST}", "memory": "${DEFAULT_MEMORY_REQUEST}"},
						"default":        map[string]any{"cpu": "${DEFAULT_CPU_LIMIT}", "memory": "${DEFAULT_MEMORY_LIMIT}"},
					}}},
				},
				map[string]any{
					"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
					"metadata": map[string]any{"name": BaselineDenyIngress},
					"spec":     map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress"}},
				},
				map[string]any{
					"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
					"metadata": map[string]any{"name": BaselineAllowSameAccount},
					"spec": map[string]any{
						"podSelector": map[string]any{},
						"policyTypes": []any{"Ingress", "Egress"},
						"ingress": []any{map[string]any{"from": []any{map[string]any{
							"namespaceSelector": map[string]any{"matchLabels": map[string]any{LabelAccount: "${ACCOUNT}"}},
						}}}},
						"egress": []any{map[string]any{"to": []any{map[string]any{
							"namespaceSelector": map[string]any{"matchLabels": map[string]any{LabelAccount: "${ACCOUNT}"}},
						}}}},
					},
				},
				map[string]any{
					"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
					"metadata": map[string]any{"name": BaselineAllowDNSEgress},
					"spec": map[string]any{
						"podSelector": map[string]any{},
						"policyTypes": []any{"Egress"},
						"egress": []any{map[string]any{
							"to": []any{map[string]any{
								"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "kube-system"}},
								"podSelector":       map[string]any{"matchLabels": map[string]any{"k8s-app": "kube-dns"}},
							}},
							"ports": []any{
								map[string]any{"protocol": "UDP", "port": int64(53)},
								map[string]any{"protocol": "TCP", "port": int64(53)},
							},
						}},
					},
				},
			),
		},
	}
}

// rawObjects encodes objects as RawExtensions.
func rawObjects(objs ...map[string]any) []runtime.RawExtension {
	out := make([]runtime.RawExtension, 0, len(objs))
	for _, o := range objs {
		data, err := json.Marshal(o)
		if err != nil {
			panic(err) // static content: cannot fail
		}
		out = append(out, runtime.RawExtension{Raw: data})
	}
	return out
}
