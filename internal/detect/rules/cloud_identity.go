package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// CloudIdentity reports sensitive requests made with cloud credentials.
var CloudIdentity = detect.Rule{
	ID:         "cloud-identity-sensitive-request",
	Title:      "Cloud identity made a sensitive request",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9001"},
	Description: "Reports sensitive requests (exec, attach, port-forward, node and service proxy, " +
		"reading secrets, writing RBAC or admission webhooks, minting tokens, certificate signing " +
		"requests) the authorizer allowed for a user whose name is a cloud provider's identity: " +
		"cloudIdentities, by default EKS IAM ARNs (arn:aws:*), the AKS local admin (masterclient) " +
		"and Google service accounts (*.iam.gserviceaccount.com). Stolen cloud credentials reach " +
		"the cluster under these names, and the cloud's own audit log shows how they were obtained. " +
		"EKS's eks:* control-plane users are not cloud credentials and are not in the defaults.",
	Response: "Check in the cloud provider's audit log who obtained the credentials; allow-list the automation that legitimately uses them.",
	Needs:    []detect.Need{{Level: detect.LevelMetadata}},
	Match:    cloudIdentity,
}

func cloudIdentity(ev *detect.Event, s *detect.Settings) (string, bool) {
	if !ev.Allowed() || ev.ObjectRef == nil || !globAny(s.CloudIdentityPatterns(), ev.User.Username) {
		return "", false
	}
	what := sensitive(ev)
	if what == "" {
		return "", false
	}
	return fmt.Sprintf("cloud identity %s %s", ev.User.Username, what), true
}

// sensitive describes a request that a cloud identity should rarely make,
// "" for others.
func sensitive(ev *detect.Event) string {
	switch g, r, sub := ev.APIGroup(), ev.Resource(), ev.Subresource(); {
	case g == "" && r == "pods" && (sub == "exec" || sub == "attach" || sub == "portforward"):
		return "used " + sub + " on " + objectName(ev)
	case sub == "proxy" && g == "" && (r == "nodes" || r == "services" || r == "pods"):
		return "proxied to " + objectName(ev)
	case g == "" && r == "secrets" && ev.VerbIn(readVerbs...):
		return ev.Verb + " " + objectName(ev)
	case g == "" && r == "serviceaccounts" && sub == "token":
		return "requested a token for " + objectName(ev)
	case g == "rbac.authorization.k8s.io" && ev.IsWrite():
		return ev.Verb + " " + objectName(ev)
	case g == "admissionregistration.k8s.io" && ev.IsWrite():
		return ev.Verb + " " + strings.TrimSuffix(r, "s") + " " + ev.Name()
	case g == "certificates.k8s.io" && r == "certificatesigningrequests" && ev.IsWrite():
		return ev.Verb + " certificate signing request " + ev.Name()
	}
	return ""
}

// globAny reports whether s matches one of patterns, where "*" matches
// any run of characters, "/" included (IAM ARNs hold slashes).
func globAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if glob(p, s) {
			return true
		}
	}
	return false
}

// glob matches s against p, in which only "*" is special.
func glob(p, s string) bool {
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return p == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
