package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// CSRApproved reports certificate signing requests approved by users.
var CSRApproved = detect.Rule{
	ID:         "csr-approved",
	Title:      "Certificate signing request approved by hand",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9003"},
	Description: "Reports writes to certificatesigningrequests/approval by anyone but the control plane. " +
		"Approving a CSR issues a client certificate for whatever user and groups it names, " +
		"system:masters included on some signers.",
	Response: "Check the certificate's subject and groups; revoke access by rotating the signing CA if it was abused.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"update", "patch"}, Resources: []detect.GroupResources{
		{Group: "certificates.k8s.io", Resources: []string{"certificatesigningrequests/approval"}},
	}}},
	Match: csrApproved,
}

func csrApproved(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("certificates.k8s.io", "certificatesigningrequests", "approval") || !ev.VerbIn("update", "patch") ||
		!byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	return fmt.Sprintf("approval of certificatesigningrequest %s", ev.Name()), true
}
