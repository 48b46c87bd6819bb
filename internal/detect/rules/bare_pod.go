package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// BarePod reports pods created directly by a user rather than by a
// controller.
var BarePod = detect.Rule{
	ID:         "bare-pod-created",
	Title:      "Bare pod created by a user",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9008"},
	Description: "Reports pods created by anyone but the control plane that have no owner reference: " +
		"not made by a ReplicaSet, Job, StatefulSet or operator but submitted by hand (kubectl run, a " +
		"raw manifest). Applications reach the cluster through controllers; a lone pod is how an " +
		"attacker with create rights starts a container of their own. When the audit policy records " +
		"no body the owner cannot be checked and every such create is reported.",
	Response: "Confirm who ran the pod and why; allow-list CI runners and operators that create bare pods by user or namespace.",
	Needs:    []detect.Need{needPodBodies},
	Match:    barePod,
}

func barePod(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "pods", "") || ev.Verb != "create" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	if o := ev.Object(); o != nil && len(o.Metadata.OwnerReferences) > 0 {
		return "", false
	}
	return fmt.Sprintf("created %s without an owning controller", objectName(ev)), true
}
