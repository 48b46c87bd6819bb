package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// CoreDNSModified reports edits of the CoreDNS configuration.
var CoreDNSModified = detect.Rule{
	ID:         "coredns-modified",
	Title:      "CoreDNS configuration modified",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9035"},
	Description: "Reports updates, patches and deletes of the kube-system/coredns ConfigMap. Whoever " +
		"edits the Corefile can answer any name in the cluster with an address of their choosing " +
		"(Falco has no rule for it).",
	Response: "Diff the Corefile against its source of truth and revert unexpected rewrites or forwards.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"update", "patch", "delete"}, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"configmaps"}},
	}}},
	Match: coreDNSModified,
}

func coreDNSModified(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "configmaps", "") || ev.Namespace() != "kube-system" || ev.Name() != "coredns" ||
		!ev.VerbIn("update", "patch", "delete") || !ev.Allowed() {
		return "", false
	}
	return fmt.Sprintf("%s of configmap kube-system/coredns", ev.Verb), true
}
