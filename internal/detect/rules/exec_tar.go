package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ExecTar reports exec requests that run tar: kubectl cp, and data
// collected from a pod.
var ExecTar = detect.Rule{
	ID:         "exec-tar-collection",
	Title:      "Files copied out of a container",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9041", "MS-TA9006"},
	Description: "Reports pods/exec requests whose command is tar, as kubectl cp sends them. " +
		"Copying files out of a container collects its data, keys and configuration.",
	Response: "Find out which files were copied and why; treat the pod's secrets as exposed when in doubt.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"pods/exec"}},
	}}},
	Match: execTar,
}

func execTar(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "pods", "exec") || !byUser(ev) {
		return "", false
	}
	args := execArgs(ev)
	if len(args) == 0 || program(args[0]) != "tar" {
		return "", false
	}
	// The mode comes first: "cf" (kubectl cp out of the pod) or
	// "-xmf" (into it).
	dir := "runs in"
	if len(args) > 1 {
		mode := strings.TrimLeft(args[1], "-")
		switch {
		case strings.ContainsRune(mode, 'c'):
			dir = "copies files out of"
		case strings.ContainsRune(mode, 'x'):
			dir = "copies files into"
		}
	}
	return fmt.Sprintf("tar %s pod %s/%s", dir, ev.Namespace(), ev.Name()), true
}
