package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// MutatingWebhook reports mutating admission webhooks written or removed.
var MutatingWebhook = detect.Rule{
	ID:         "mutating-webhook-changed",
	Title:      "Mutating admission webhook changed",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9015"},
	Description: "Reports MutatingWebhookConfigurations created, updated, patched or deleted by anyone but " +
		"the control plane. A mutating webhook sees every object it selects, secrets included, and " +
		"can rewrite pods as they are created: a persistent backdoor (Falco has no rule for it).",
	Response: "Confirm the webhook belongs to a known component and its service is trusted; delete it otherwise.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: append(writeVerbs[:3:3], deleteVerbs...), Resources: []detect.GroupResources{
		{Group: "admissionregistration.k8s.io", Resources: []string{"mutatingwebhookconfigurations"}},
	}}},
	Match: mutatingWebhook,
}

func mutatingWebhook(ev *detect.Event, _ *detect.Settings) (string, bool) {
	return webhookChange(ev, "mutatingwebhookconfigurations")
}

// webhookChange matches writes and deletes of a webhook configuration
// resource by users.
func webhookChange(ev *detect.Event, resource string) (string, bool) {
	if !ev.Is("admissionregistration.k8s.io", resource, "") || !ev.IsWrite() || !byUser(ev) {
		return "", false
	}
	name := ev.Name()
	if name == "" {
		if o := ev.Object(); o != nil {
			name = o.Metadata.Name
		}
	}
	return fmt.Sprintf("%s of %s %s", ev.Verb, resource[:len(resource)-1], name), true
}
