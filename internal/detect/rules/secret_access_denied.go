package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// SecretAccessDenied reports attempts to read secrets that RBAC refused.
var SecretAccessDenied = detect.Rule{
	ID:         "secret-access-denied",
	Title:      "Secret access denied",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9025", "MS-TA9029"},
	Description: "Reports get, list and watch requests for Secrets that the authorizer refused. " +
		"Probing for secrets is what stolen low-privilege credentials are used for first.",
	Response: "Find out why the identity tried to read secrets it has no right to.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: readVerbs, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"secrets"}},
	}}},
	Match: secretAccessDenied,
}

func secretAccessDenied(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "secrets", "") || !ev.VerbIn(readVerbs...) || ev.Allowed() || ev.Code() == 401 {
		return "", false
	}
	return fmt.Sprintf("%s of %s denied", ev.Verb, objectName(ev)), true
}
