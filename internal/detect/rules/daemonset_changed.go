package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// DaemonSetChanged reports DaemonSets created, or their pod template
// changed, by users.
var DaemonSetChanged = detect.Rule{
	ID:         "daemonset-changed",
	Title:      "DaemonSet created or its pod template changed",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9012"},
	Description: "Reports DaemonSets created, replaced, or patched in their pod spec by anyone but the " +
		"control plane. A DaemonSet runs its container on every node and brings it back whenever it " +
		"is killed: the classic backdoor container. Patches that change only labels, annotations or " +
		"the template's metadata (kubectl rollout restart) are not reported.",
	Response: "Diff the DaemonSet against its source of truth; allow-list the deploy pipeline's identity that installs node agents.",
	Needs: []detect.Need{{Level: detect.LevelRequest, Verbs: writeVerbs, Resources: []detect.GroupResources{
		{Group: "apps", Resources: []string{"daemonsets"}},
	}}},
	Match: daemonSetChanged,
}

func daemonSetChanged(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("apps", "daemonsets", "") || !ev.VerbIn(writeVerbs...) || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	switch ev.Verb {
	case "create":
		return fmt.Sprintf("created %s", objectName(ev)), true
	case "update":
		return fmt.Sprintf("replaced %s", objectName(ev)), true
	}
	if !patchesPodSpec(ev.RequestObject) {
		return "", false
	}
	return fmt.Sprintf("patched the pod template of %s", objectName(ev)), true
}

// patchesPodSpec reports whether a patch body (JSON patch, merge or
// strategic merge patch, or server-side apply) touches
// spec.template.spec. A body that is missing or not JSON counts as
// touching it, since nothing shows that it does not.
func patchesPodSpec(body json.RawMessage) bool {
	if len(body) == 0 {
		return true
	}
	if body[0] == '[' {
		var ops []jsonPatchOp
		if err := json.Unmarshal(body, &ops); err != nil {
			return true
		}
		for _, op := range ops {
			if op.Path == "/spec" || op.Path == "/spec/template" || strings.HasPrefix(op.Path, "/spec/template/spec") {
				return true
			}
		}
		return false
	}
	var p struct {
		Spec *struct {
			Template *struct {
				Spec json.RawMessage `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return true
	}
	return p.Spec != nil && p.Spec.Template != nil && len(p.Spec.Template.Spec) > 0 && string(p.Spec.Template.Spec) != "null"
}
