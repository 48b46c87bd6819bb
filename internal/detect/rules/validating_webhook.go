package rules

import (
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ValidatingWebhook reports validating admission webhooks written or
// removed.
var ValidatingWebhook = detect.Rule{
	ID:         "validating-webhook-changed",
	Title:      "Validating admission webhook changed",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9015"},
	Description: "Reports ValidatingWebhookConfigurations created, updated, patched or deleted by anyone " +
		"but the control plane. A new one receives the objects it selects, secrets included; deleting " +
		"one switches off the policy it enforced.",
	Response: "Confirm the change belongs to a known component's installation or upgrade.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: append(writeVerbs[:3:3], deleteVerbs...), Resources: []detect.GroupResources{
		{Group: "admissionregistration.k8s.io", Resources: []string{"validatingwebhookconfigurations"}},
	}}},
	Match: validatingWebhook,
}

func validatingWebhook(ev *detect.Event, _ *detect.Settings) (string, bool) {
	return webhookChange(ev, "validatingwebhookconfigurations")
}
