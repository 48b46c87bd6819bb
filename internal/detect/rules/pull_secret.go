package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// PullSecret reports image pull secrets read or written by users.
var PullSecret = detect.Rule{
	ID:         "image-pull-secret-accessed",
	Title:      "Image pull secret read or written",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9037"},
	Description: "Reports gets, creates, updates and patches of Secrets named like image pull secrets " +
		"(pullSecretNames; regcred, *pull-secret*, *dockerconfig* ... by default) by anyone but the " +
		"control plane. The audit policy keeps secrets at Metadata level so their values never reach " +
		"the log, which leaves the name as the only sign of the secret's type. A pull secret opens " +
		"the private registry: its images can be pulled and inspected, or new ones pushed with it.",
	Response: "Confirm who needed the registry credentials; rotate them in the registry if the access was not expected.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"get", "create", "update", "patch"}, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"secrets"}},
	}}},
	Match: pullSecret,
}

func pullSecret(ev *detect.Event, s *detect.Settings) (string, bool) {
	if !ev.Is("", "secrets", "") || !ev.VerbIn("get", "create", "update", "patch") || !byUser(ev) || !ev.Succeeded() {
		return "", false
	}
	name := ev.Name()
	if name == "" || !matchAnyName(s.PullSecretPatterns(), name) {
		return "", false
	}
	what := "read"
	if ev.Verb != "get" {
		what = "wrote"
	}
	return fmt.Sprintf("%s image pull secret %s", what, objectName(ev)), true
}
