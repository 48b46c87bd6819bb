package secrets

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// ServiceAccountTokenSecret flags long-lived service-account token Secrets.
var ServiceAccountTokenSecret = posture.Check{
	ID:         "service-account-token-secret",
	Title:      "Long-lived service-account token",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9016"},
	Kinds:      []string{"Secret"},
	Description: "Flags Secrets of type kubernetes.io/service-account-token. The token controller " +
		"fills them with a token that never expires, which keeps working after it leaks until " +
		"the Secret is deleted.",
	Remediation: "Delete the Secret and let workloads use short-lived projected tokens (the TokenRequest API) instead.",
	Run:         serviceAccountTokenSecret,
}

// serviceAccountTokenSecret names the account; when the manifest already
// carries the token (a Secret exported from a cluster), it says so without
// showing it.
func serviceAccountTokenSecret(s *posture.Object, _ posture.Index) []posture.Violation {
	if posture.Str(s.U.Object, "type") != "kubernetes.io/service-account-token" {
		return nil
	}
	sa := s.U.GetAnnotations()["kubernetes.io/service-account.name"]
	if sa == "" {
		sa = "(unnamed)"
	}
	msg := "Secret holds a non-expiring token for service account " + sa
	if posture.Str(s.U.Object, "data", "token") != "" {
		msg += "; the manifest contains the token itself (redacted)"
	}
	return []posture.Violation{{Path: "type", Message: msg}}
}
