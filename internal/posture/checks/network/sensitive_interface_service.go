package network

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// SensitiveInterfaceService flags Services that expose a management
// interface outside the cluster.
var SensitiveInterfaceService = posture.Check{
	ID:         "sensitive-interface-exposed",
	Title:      "Management interface exposed by a Service",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9005"},
	Kinds:      []string{"Service"},
	Lookups:    serviceLookups,
	Description: "Flags LoadBalancer and NodePort Services (and Services with externalIPs) that " +
		"front a known management interface such as the Kubernetes dashboard, Argo CD or " +
		"Workflows, Jenkins, Kubeflow, NiFi, Grafana, Prometheus or Kibana, judged by the " +
		"Service and by the workloads its selector matches (names, app labels, images). " +
		"Such interfaces often allow unauthenticated code execution or cluster access.",
	Remediation: "Make the Service ClusterIP and reach the interface through an authenticated ingress, VPN or kubectl port-forward.",
	Run:         sensitiveInterfaceService,
}

func sensitiveInterfaceService(svc *posture.Object, idx posture.Index) []posture.Violation {
	how := externallyExposed(svc)
	if how == "" {
		return nil
	}
	iface, evidence, ok := identifyService(svc, idx)
	if !ok {
		return nil
	}
	return []posture.Violation{{
		Path:    "spec.type",
		Message: fmt.Sprintf("Service exposes %s outside the cluster (%s); identified by %s", iface, how, evidence),
	}}
}
