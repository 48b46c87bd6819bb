package network

import (
	"fmt"
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// IngressWithoutTLS flags Ingress hosts served without TLS.
var IngressWithoutTLS = posture.Check{
	ID:         "ingress-without-tls",
	Title:      "Ingress without TLS",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9005"},
	Kinds:      []string{"Ingress"},
	Description: "Flags Ingress rules whose host is not covered by any spec.tls entry (all " +
		"rules when spec.tls is empty). Credentials and session tokens for the exposed " +
		"application cross the network in clear text.",
	Remediation: "Add a spec.tls entry with a certificate for every Ingress host (for example issued by cert-manager).",
	Run:         ingressWithoutTLS,
}

func ingressWithoutTLS(ing *posture.Object, _ posture.Index) []posture.Violation {
	tls := posture.Maps(ing.U.Object, "spec", "tls")
	var covered []string
	for _, t := range tls {
		covered = append(covered, posture.Strings(t, "hosts")...)
	}
	var out []posture.Violation
	for i, rule := range posture.Maps(ing.U.Object, "spec", "rules") {
		host := posture.Str(rule, "host")
		// A tls entry without hosts covers the default (empty) host.
		if len(tls) > 0 && (slices.Contains(covered, host) || host == "" && len(covered) == 0) {
			continue
		}
		if host == "" {
			host = "(any host)"
		}
		out = append(out, posture.Violation{
			Path:    fmt.Sprintf("spec.rules[%d].host", i),
			Message: "Ingress serves " + host + " without TLS",
		})
	}
	return out
}
