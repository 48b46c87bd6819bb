package rules

import (
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// MassDelete reports bursts of deletes by one user.
var MassDelete = detect.Rule{
	ID:         "mass-delete-burst",
	Title:      "Burst of deletes by one user",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9038"},
	Description: "Reports a user who deletes many objects in a short time: burst.threshold deletes " +
		"within burst.window (default 10 within a minute). Data destruction looks like this; so does " +
		"a careless cleanup script, which the allow-list can exempt. Controllers are not counted.",
	Response: "Stop the user's access until the deletions are explained; restore from backup or Git.",
	Needs:    []detect.Need{{Level: detect.LevelMetadata, Verbs: deleteVerbs}},
	Match:    massDelete,
	Burst:    true,
}

func massDelete(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.VerbIn(deleteVerbs...) || !byUser(ev) || ev.Code() >= 300 || ev.ObjectRef == nil {
		return "", false
	}
	return "deleted objects", true
}
