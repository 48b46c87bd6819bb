package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ConfigMapCredentials reports ConfigMaps written with credentials in
// them.
var ConfigMapCredentials = detect.Rule{
	ID:         "configmap-credentials",
	Title:      "Credentials written to a ConfigMap",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9027"},
	Description: "Reports ConfigMaps created, updated or patched with a key named like a credential " +
		"(password, secret, token, aws_access_key_id ...) or a value that holds a private key or an " +
		"AWS access key. ConfigMaps are readable by far more people than Secrets. The alert names " +
		"the key, never the value.",
	Response: "Move the value to a Secret (or an external secret store) and rotate it.",
	Needs: []detect.Need{{Level: detect.LevelRequest, Verbs: writeVerbs, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"configmaps"}},
	}}},
	Match: configMapCredentials,
}

var (
	credentialKey   = regexp.MustCompile(`(?i)(passw(or)?d|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)`)
	credentialValue = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(AKIA|ASIA)[A-Z0-9]{16}\b`)
)

func configMapCredentials(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "configmaps", "") || !ev.VerbIn(writeVerbs...) || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	o := ev.Object()
	if o == nil {
		return "", false
	}
	keys := make([]string, 0, len(o.Data))
	for k := range o.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := o.Data[k]
		if credentialKey.MatchString(k) && strings.TrimSpace(v) != "" {
			return fmt.Sprintf("%s has key %q named like a credential", objectName(ev), k), true
		}
		if credentialValue.MatchString(v) {
			return fmt.Sprintf("%s key %q holds a private key or cloud access key", objectName(ev), k), true
		}
	}
	return "", false
}
