package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// SecretRead reports secrets read by people and by service accounts of
// other namespaces.
var SecretRead = detect.Rule{
	ID:         "secret-read",
	Title:      "Secret read",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9025"},
	Description: "Reports successful gets of a Secret by anyone but the control plane and the service " +
		"accounts of the Secret's own namespace (applications reading their own secrets). Reading " +
		"secrets is how stolen access turns into more credentials.",
	Response: "Confirm the read was expected; rotate the secret if not.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"get"}, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"secrets"}},
	}}},
	Match: secretRead,
}

func secretRead(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "secrets", "") || ev.Verb != "get" || !ev.Succeeded() || ev.IsControlPlane() {
		return "", false
	}
	if ev.InGroup("system:serviceaccounts:" + ev.Namespace()) {
		return "", false
	}
	return fmt.Sprintf("read %s", objectName(ev)), true
}
