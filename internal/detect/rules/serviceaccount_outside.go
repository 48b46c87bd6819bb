package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ServiceAccountOutside reports service account tokens used from outside
// the networks they belong to.
var ServiceAccountOutside = detect.Rule{
	ID:         "serviceaccount-outside-pod-network",
	Title:      "Service account used from outside the cluster",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9016"},
	Description: "Reports requests authenticated as a service account whose client address lies outside " +
		"the configured serviceAccountCIDRs (pod network, nodes). A token that works from a laptop " +
		"or the internet was taken out of its pod. Service accounts of kube-system are skipped: the " +
		"controller manager uses them from the host network. Without CIDRs the rule is off.",
	Response: "Rotate the service account's tokens (delete its token secrets, restart its pods) and find where the token leaked.",
	Needs:    []detect.Need{{Level: detect.LevelMetadata, UserGroups: []string{"system:serviceaccounts"}}},
	Match:    serviceAccountOutside,
}

func serviceAccountOutside(ev *detect.Event, s *detect.Settings) (string, bool) {
	if len(s.ServiceAccountCIDRs) == 0 || !ev.IsServiceAccount() || ev.IsControlPlane() || ev.Code() == 401 {
		return "", false
	}
	ip := ev.SourceIP()
	if ip == "" || detect.InPrefixes(ip, s.ServiceAccountCIDRs) {
		return "", false
	}
	sa := strings.TrimPrefix(ev.User.Username, detect.ServiceAccountPrefix)
	return fmt.Sprintf("service account %s called from %s, outside the service account networks", sa, ip), true
}
