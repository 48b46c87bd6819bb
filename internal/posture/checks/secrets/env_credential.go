package secrets

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// EnvCredential flags literal credentials in container environment values.
var EnvCredential = posture.Check{
	ID:         "env-credential-value",
	Title:      "Credential in environment value",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9027"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags env entries with a literal value that is a recognizable token (AWS " +
		"keys, GitHub and GitLab tokens, Slack tokens, private keys, JWTs, URLs with " +
		"passwords) or whose name says password, secret, token or API key. The value lives " +
		"in the manifest, Git history and the pod spec for anyone who can read them.",
	Remediation: "Move the value into a Secret (or an external secret store) and reference it with valueFrom.secretKeyRef.",
	Run:         posture.PerContainer(envCredential),
}

func envCredential(c posture.Container) []posture.Violation {
	var out []posture.Violation
	for i, env := range posture.Maps(c.Map, "env") {
		value, ok := env["value"].(string)
		if !ok {
			continue
		}
		f, ok := Inspect(posture.Str(env, "name"), value)
		if !ok {
			continue
		}
		out = append(out, posture.Violation{
			Path:    c.At(fmt.Sprintf("env[%d].value", i)),
			Message: fmt.Sprintf("container %q sets env %s to a literal credential %s", c.Name, f.Key, f.Shown),
		})
	}
	return out
}
