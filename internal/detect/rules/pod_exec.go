package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// PodExec reports commands run in containers through the API server.
var PodExec = detect.Rule{
	ID:         "pod-exec",
	Title:      "Exec into container",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9006"},
	Description: "Reports pods/exec requests the authorizer allowed. Exec runs any command in a running " +
		"container with its service account, secrets and network position; it is the most common " +
		"first step after stolen credentials. The request is reported even when the kubelet fails to answer.",
	Response: "Confirm the user meant to exec into the pod; restrict pods/exec to break-glass roles.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"pods/exec"}},
	}}},
	Match: podExec,
}

func podExec(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "pods", "exec") || !byUser(ev) {
		return "", false
	}
	if cmd := execCommand(ev); cmd != "" {
		return fmt.Sprintf("exec of %q in pod %s/%s", program(cmd), ev.Namespace(), ev.Name()), true
	}
	return fmt.Sprintf("exec in pod %s/%s", ev.Namespace(), ev.Name()), true
}
