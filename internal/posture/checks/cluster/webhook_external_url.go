package cluster

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// webhookKinds are the admission webhook configuration kinds.
var webhookKinds = []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}

// WebhookExternalURL flags admission webhooks served from outside the
// cluster.
var WebhookExternalURL = posture.Check{
	ID:         "admission-webhook-external-url",
	Title:      "Admission webhook calls an external URL",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9015"},
	Kinds:      webhookKinds,
	Description: "Flags admission webhooks whose clientConfig is a url rather than an " +
		"in-cluster service. The API server sends every matching object, secrets included, to " +
		"that endpoint, and a mutating one can rewrite them: a classic persistence and " +
		"credential-theft path.",
	Remediation: "Serve admission webhooks from an in-cluster Service you control, and review every webhook configuration's owner.",
	Run: func(obj *posture.Object, _ posture.Index) []posture.Violation {
		var out []posture.Violation
		for i, w := range posture.Maps(obj.U.Object, "webhooks") {
			url := posture.Str(w, "clientConfig", "url")
			if url == "" {
				continue
			}
			out = append(out, posture.Violation{
				Path:    fmt.Sprintf("webhooks[%d].clientConfig.url", i),
				Message: fmt.Sprintf("webhook %s sends admission requests to %s", posture.Str(w, "name"), url),
			})
		}
		return out
	},
}
