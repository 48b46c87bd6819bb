package rbac

import "github.com/landfall-dev/landfall/internal/posture"

// SecretsRead flags bindings that allow reading Secrets.
var SecretsRead = posture.Check{
	ID:         "rbac-secrets-read",
	Title:      "Secrets readable",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9025"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants get, list or watch on secrets. list and watch " +
		"return every secret's value in scope, including service-account tokens of more " +
		"privileged accounts.",
	Remediation: "Drop secrets from the role, or grant get only with resourceNames listing the specific secrets needed.",
	Run:         perBinding(secretsRead),
}

// secretsRead matches reads of secrets. get limited by resourceNames to
// named secrets is the recommended narrow grant and is passed over; list and
// watch ignore resourceNames for the collection, so they always count.
func secretsRead(b *posture.Object, rule map[string]any) (string, bool) {
	secrets := []string{"secrets"}
	named := len(posture.Strings(rule, "resourceNames")) > 0
	if named && !grants(rule, "", secrets, []string{"list", "watch"}) {
		return "", false
	}
	return verbsOn("", secrets, []string{"get", "list", "watch"})(b, rule)
}
