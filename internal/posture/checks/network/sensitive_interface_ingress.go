package network

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// SensitiveInterfaceIngress flags Ingresses that route to a management
// interface.
var SensitiveInterfaceIngress = posture.Check{
	ID:         "sensitive-interface-ingress",
	Title:      "Management interface exposed by an Ingress",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9005"},
	Kinds:      []string{"Ingress"},
	Lookups:    ingressLookups,
	Description: "Flags Ingress backends whose Service fronts a known management interface " +
		"(Kubernetes dashboard, Argo, Jenkins, Kubeflow, NiFi, Grafana, Prometheus, Kibana and " +
		"others), judged by the Service and the workloads it selects.",
	Remediation: "Remove the Ingress route, or put the interface behind strong authentication (an authenticating proxy or SSO) and an IP allow-list.",
	Run:         sensitiveInterfaceIngress,
}

func sensitiveInterfaceIngress(ing *posture.Object, idx posture.Index) []posture.Violation {
	type backend struct{ path, service string }
	var backends []backend
	if name := posture.Str(ing.U.Object, "spec", "defaultBackend", "service", "name"); name != "" {
		backends = append(backends, backend{"spec.defaultBackend.service.name", name})
	}
	for i, rule := range posture.Maps(ing.U.Object, "spec", "rules") {
		for j, p := range posture.Maps(rule, "http", "paths") {
			if name := posture.Str(p, "backend", "service", "name"); name != "" {
				backends = append(backends, backend{fmt.Sprintf("spec.rules[%d].http.paths[%d].backend.service.name", i, j), name})
			}
		}
	}
	var out []posture.Violation
	for _, b := range backends {
		svc := idx.Get("Service", ing.U.GetNamespace(), b.service)
		if svc == nil {
			continue
		}
		if iface, evidence, ok := identifyService(svc, idx); ok {
			out = append(out, posture.Violation{
				Path:    b.path,
				Message: fmt.Sprintf("Ingress routes to Service %s, which fronts %s (%s)", b.service, iface, evidence),
			})
		}
	}
	return out
}
