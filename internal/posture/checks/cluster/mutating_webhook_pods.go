package cluster

import (
	"fmt"
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// MutatingWebhookPods flags mutating webhooks that can rewrite every pod.
var MutatingWebhookPods = posture.Check{
	ID:         "mutating-webhook-all-pods",
	Title:      "Mutating webhook on every pod",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9015", "MS-TA9011"},
	Kinds:      []string{"MutatingWebhookConfiguration"},
	Description: "Flags mutating webhooks with a rule on pods (or *) and neither a " +
		"namespaceSelector nor an objectSelector. Such a webhook can inject a sidecar or " +
		"change the image of every pod in the cluster, kube-system included.",
	Remediation: "Scope the webhook with a namespaceSelector or objectSelector, and exclude kube-system.",
	Run: func(obj *posture.Object, _ posture.Index) []posture.Violation {
		var out []posture.Violation
		for i, w := range posture.Maps(obj.U.Object, "webhooks") {
			if len(posture.Map(w, "namespaceSelector")) > 0 || len(posture.Map(w, "objectSelector")) > 0 {
				continue
			}
			for j, r := range posture.Maps(w, "rules") {
				res := posture.Strings(r, "resources")
				if slices.Contains(res, "pods") || slices.Contains(res, "*") || slices.Contains(res, "*/*") {
					out = append(out, posture.Violation{
						Path:    fmt.Sprintf("webhooks[%d].rules[%d].resources", i, j),
						Message: fmt.Sprintf("mutating webhook %s can change every pod in every namespace", posture.Str(w, "name")),
					})
					break
				}
			}
		}
		return out
	},
}
