package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// DeleteCollection reports deletes of whole collections by users.
var DeleteCollection = detect.Rule{
	ID:         "deletecollection-used",
	Title:      "Collection deleted",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9038"},
	Description: "Reports deletecollection requests by anyone but the control plane: one request that " +
		"deletes every object of a resource in a namespace, or in the cluster.",
	Response: "Confirm the cleanup was intended and restore what should not have gone.",
	Needs:    []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"deletecollection"}}},
	Match:    deleteCollection,
}

func deleteCollection(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ev.Verb != "deletecollection" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	if ev.Namespace() == "" {
		return fmt.Sprintf("deleted every %s of the cluster", ev.Resource()), true
	}
	return fmt.Sprintf("deleted every %s in namespace %s", ev.Resource(), ev.Namespace()), true
}
