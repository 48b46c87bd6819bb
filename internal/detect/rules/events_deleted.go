package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// EventsDeleted reports Kubernetes Events deleted by users.
var EventsDeleted = detect.Rule{
	ID:         "events-deleted",
	Title:      "Kubernetes events deleted",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9022"},
	Description: "Reports deletes of Events (core and events.k8s.io) by anyone but the control plane. " +
		"Events expire on their own; deleting them hides what happened (Falco has no rule for it).",
	Response: "Find out what the deleted events recorded from the audit log and who deleted them.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: deleteVerbs, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"events"}},
		{Group: "events.k8s.io", Resources: []string{"events"}},
	}}},
	Match: eventsDeleted,
}

func eventsDeleted(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ev.Resource() != "events" || !(ev.APIGroup() == "" || ev.APIGroup() == "events.k8s.io") ||
		!ev.VerbIn(deleteVerbs...) || !byUser(ev) {
		return "", false
	}
	if ev.Verb == "deletecollection" {
		return fmt.Sprintf("deleted every event in namespace %q", ev.Namespace()), true
	}
	return fmt.Sprintf("deleted %s", objectName(ev)), true
}
