package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// Impersonation reports requests made with impersonation headers.
var Impersonation = detect.Rule{
	ID:         "impersonation-used",
	Title:      "Impersonation used",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9019"},
	Description: "Reports requests made as another user or group through impersonation headers. The " +
		"matrix has no impersonation technique; it is filed under privilege escalation because the " +
		"impersonate right lends every right of the identity impersonated, cluster-admin included.",
	Response: "Confirm the impersonation was expected; grant impersonate only for named users or groups.",
	Needs:    []detect.Need{{Level: detect.LevelMetadata}},
	Match:    impersonation,
}

func impersonation(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ev.ImpersonatedUser == nil || !byUser(ev) {
		return "", false
	}
	return fmt.Sprintf("acted as %q for %s of %s", ev.ImpersonatedUser.Username, ev.Verb, objectName(ev)), true
}
