package network

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// LoadBalancerUnrestricted flags LoadBalancer Services open to any source.
var LoadBalancerUnrestricted = posture.Check{
	ID:         "load-balancer-unrestricted",
	Title:      "LoadBalancer open to the internet",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9004"},
	Kinds:      []string{"Service"},
	Description: "Flags LoadBalancer Services without loadBalancerSourceRanges and without an " +
		"internal-load-balancer annotation. Every vulnerability in the application behind " +
		"them is reachable from the internet.",
	Remediation: "Set spec.loadBalancerSourceRanges to the client networks, make the load balancer internal, or route through an Ingress with a WAF.",
	Run: func(svc *posture.Object, _ posture.Index) []posture.Violation {
		if posture.Str(svc.U.Object, "spec", "type") != "LoadBalancer" ||
			len(posture.Slice(svc.U.Object, "spec", "loadBalancerSourceRanges")) > 0 {
			return nil
		}
		for k, v := range svc.U.GetAnnotations() {
			switch k {
			case "service.beta.kubernetes.io/azure-load-balancer-internal",
				"networking.gke.io/load-balancer-type",
				"cloud.google.com/load-balancer-type",
				"service.beta.kubernetes.io/aws-load-balancer-internal":
				return nil
			case "service.beta.kubernetes.io/aws-load-balancer-scheme":
				if v == "internal" {
					return nil
				}
			}
		}
		return []posture.Violation{{
			Path:    "spec.loadBalancerSourceRanges",
			Message: "LoadBalancer Service accepts traffic from any address",
		}}
	},
}
