package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// TokenRequest reports service account tokens minted by users.
var TokenRequest = detect.Rule{
	ID:         "serviceaccount-token-requested",
	Title:      "Service account token minted",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9016"},
	Description: "Reports TokenRequests (serviceaccounts/token) by anyone but kubelets and the control " +
		"plane. A token minted by hand lets its holder act as the service account from anywhere until " +
		"it expires, which can be a year: persistence without touching any workload.",
	Response: "Find out who needed the token; delete and recreate the service account to revoke it if in doubt.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"create"}, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"serviceaccounts/token"}},
	}}},
	Match: tokenRequest,
}

func tokenRequest(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "serviceaccounts", "token") || ev.Verb != "create" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	if strings.HasPrefix(ev.User.Username, "system:node:") {
		return "", false
	}
	return fmt.Sprintf("token minted for service account %s/%s", ev.Namespace(), ev.Name()), true
}
