package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// CSRCreated reports certificate signing requests created by users.
var CSRCreated = detect.Rule{
	ID:         "csr-created",
	Title:      "Certificate signing request created",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9003"},
	Description: "Reports CertificateSigningRequests created by anyone but nodes, bootstrap tokens and the " +
		"control plane. A signed client certificate is a kubeconfig credential that cannot be revoked " +
		"before it expires: persistence for whoever gets it approved.",
	Response: "Deny the request unless its requester and subject are expected.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"create"}, Resources: []detect.GroupResources{
		{Group: "certificates.k8s.io", Resources: []string{"certificatesigningrequests"}},
	}}},
	Match: csrCreated,
}

func csrCreated(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("certificates.k8s.io", "certificatesigningrequests", "") || ev.Verb != "create" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	if strings.HasPrefix(ev.User.Username, "system:bootstrap:") || ev.InGroup("system:nodes") {
		return "", false
	}
	return fmt.Sprintf("created %s", objectName(ev)), true
}
