package secrets

import (
	"fmt"
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ConfigMapCredential flags credentials in ConfigMap data.
var ConfigMapCredential = posture.Check{
	ID:         "configmap-credential",
	Title:      "Credential in ConfigMap",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9027"},
	Kinds:      []string{"ConfigMap"},
	Description: "Flags ConfigMap data entries that are recognizable tokens, whose key says " +
		"password, secret, token or API key, or that hold a config file with such an " +
		"assignment. ConfigMaps are readable far more widely than Secrets.",
	Remediation: "Move the credential into a Secret (or an external secret store) and mount or reference it from there.",
	Run:         configMapCredential,
}

func configMapCredential(cm *posture.Object, _ posture.Index) []posture.Violation {
	data := posture.Map(cm.U.Object, "data")
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []posture.Violation
	for _, k := range keys {
		value, _ := data[k].(string)
		f, ok := Inspect(k, value)
		if !ok {
			continue
		}
		out = append(out, posture.Violation{
			Path:    "data." + k,
			Message: fmt.Sprintf("ConfigMap key %s holds a credential %s", f.Key, f.Shown),
		})
	}
	return out
}
