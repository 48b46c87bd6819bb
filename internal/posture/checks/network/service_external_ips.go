package network

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ServiceExternalIPs flags Services that claim external IPs.
var ServiceExternalIPs = posture.Check{
	ID:         "service-external-ips",
	Title:      "Service with externalIPs",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9036"},
	Kinds:      []string{"Service"},
	Description: "Flags Services with spec.externalIPs. Whoever can set externalIPs can " +
		"intercept traffic the cluster sends to those addresses (CVE-2020-8554), a " +
		"man-in-the-middle like IP spoofing.",
	Remediation: "Remove spec.externalIPs and use a LoadBalancer or Ingress; block the field with the DenyServiceExternalIPs admission plugin or a policy.",
	Run:         serviceExternalIPs,
}

// serviceExternalIPs names the claimed addresses so that a reviewer can
// tell the cluster's own from someone else's.
func serviceExternalIPs(svc *posture.Object, _ posture.Index) []posture.Violation {
	ips := posture.Strings(svc.U.Object, "spec", "externalIPs")
	if len(ips) == 0 {
		return nil
	}
	return []posture.Violation{{
		Path:    "spec.externalIPs",
		Message: fmt.Sprintf("Service claims externalIPs %s; in-cluster traffic to them is captured", strings.Join(ips, ", ")),
	}}
}
