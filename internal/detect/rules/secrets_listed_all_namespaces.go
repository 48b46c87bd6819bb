package rules

import (
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// SecretsListedAllNamespaces reports secrets listed or watched across
// every namespace.
var SecretsListedAllNamespaces = detect.Rule{
	ID:         "secrets-listed-all-namespaces",
	Title:      "Secrets listed across namespaces",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9025"},
	Description: "Reports successful list and watch requests for Secrets of all namespaces by anyone but " +
		"the control plane. One such request returns every credential in the cluster.",
	Response: "Find out who holds cluster-wide secret rights and why; rotate the secrets if the request was not expected.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"list", "watch"}, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"secrets"}},
	}}},
	Match: secretsListedAllNamespaces,
}

func secretsListedAllNamespaces(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "secrets", "") || !ev.VerbIn("list", "watch") || ev.Namespace() != "" ||
		!ev.Allowed() || ev.Code() >= 300 || ev.IsControlPlane() {
		return "", false
	}
	return ev.Verb + " of the secrets of every namespace", true
}
