package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// KubeSystemServiceAccount reports service accounts created in kube-system
// by users.
var KubeSystemServiceAccount = detect.Rule{
	ID:         "kube-system-serviceaccount-created",
	Title:      "Service account created in kube-system",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9016"},
	Description: "Reports ServiceAccounts created in kube-system or kube-public by anyone but the control " +
		"plane. A service account among the system ones, bound to a strong role, is a quiet way back in.",
	Response: "Confirm the service account belongs to a known add-on; delete it and its bindings otherwise.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"create"}, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"serviceaccounts"}},
	}}},
	Match: kubeSystemServiceAccount,
}

func kubeSystemServiceAccount(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ns := ev.Namespace(); ns != "kube-system" && ns != "kube-public" {
		return "", false
	}
	if !ev.Is("", "serviceaccounts", "") || ev.Verb != "create" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	return fmt.Sprintf("created %s", objectName(ev)), true
}
