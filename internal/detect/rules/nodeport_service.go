package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// NodePortService reports Services exposed on every node's address.
var NodePortService = detect.Rule{
	ID:         "nodeport-service-created",
	Title:      "NodePort Service created",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9005"},
	Description: "Reports Services created or changed to type NodePort by anyone but the control plane. " +
		"A NodePort opens the service on every node's address, past the load balancer and its " +
		"filtering.",
	Response: "Use a ClusterIP Service behind an Ingress or a LoadBalancer with source ranges instead.",
	Needs: []detect.Need{{Level: detect.LevelRequest, Verbs: writeVerbs, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"services"}},
	}}},
	Match: nodePortService,
}

func nodePortService(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "services", "") || !ev.VerbIn(writeVerbs...) || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	o := ev.Object()
	if o == nil || o.Spec.Type != "NodePort" {
		return "", false
	}
	return fmt.Sprintf("%s exposes %s on every node", ev.Verb, objectName(ev)), true
}
