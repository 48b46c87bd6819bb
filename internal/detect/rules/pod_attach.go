package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// PodAttach reports attaching to a running container's process.
var PodAttach = detect.Rule{
	ID:         "pod-attach",
	Title:      "Attach to container",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9006"},
	Description: "Reports pods/attach requests the authorizer allowed. Attach connects to the main " +
		"process's standard streams, which gives a shell where the process is one.",
	Response: "Confirm the user meant to attach; restrict pods/attach to break-glass roles.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"pods/attach"}},
	}}},
	Match: podAttach,
}

func podAttach(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "pods", "attach") || !byUser(ev) {
		return "", false
	}
	return fmt.Sprintf("attach to pod %s/%s", ev.Namespace(), ev.Name()), true
}
