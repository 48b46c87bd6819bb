package secrets

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// SecretInManifest flags Secret objects that carry their values in the
// manifest.
var SecretInManifest = posture.Check{
	ID:         "secret-in-manifest",
	Title:      "Secret values in manifest",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9027"},
	Kinds:      []string{"Secret"},
	Description: "Flags Secret manifests with data or stringData. Base64 is not encryption: " +
		"the values sit in the repository and its history for anyone with read access. " +
		"Helm release records and empty service-account token Secrets are passed over.",
	Remediation: "Keep secret values out of Git: use Sealed Secrets, SOPS, or an external secret operator that fetches them from a vault.",
	Run:         secretInManifest,
}

func secretInManifest(s *posture.Object, _ posture.Index) []posture.Violation {
	if strings.HasPrefix(posture.Str(s.U.Object, "type"), "helm.sh/release") {
		return nil
	}
	var out []posture.Violation
	for _, field := range []string{"data", "stringData"} {
		m := posture.Map(s.U.Object, field)
		if len(m) == 0 {
			continue
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out = append(out, posture.Violation{
			Path:    field,
			Message: fmt.Sprintf("Secret carries %d value(s) in %s (keys %s)", len(keys), field, strings.Join(keys, ", ")),
		})
	}
	return out
}
