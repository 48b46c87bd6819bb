package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ProxySource reports requests from known proxy, VPN or Tor addresses.
var ProxySource = detect.Rule{
	ID:         "proxy-source-ip",
	Title:      "Request from a proxy or Tor address",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9024"},
	Description: "Reports requests whose client or proxy addresses lie in the configured proxyCIDRs " +
		"(Tor exit nodes, anonymising proxies, VPN exits). Attackers connect through them to hide " +
		"where they are. Without CIDRs the rule is off.",
	Response: "Treat the credentials used as stolen: revoke them and review what the requests did.",
	Needs:    []detect.Need{{Level: detect.LevelMetadata}},
	Match:    proxySource,
}

func proxySource(ev *detect.Event, s *detect.Settings) (string, bool) {
	if len(s.ProxyCIDRs) == 0 {
		return "", false
	}
	for _, ip := range ev.SourceIPs {
		if detect.InPrefixes(ip, s.ProxyCIDRs) {
			return fmt.Sprintf("%s of %s from proxy address %s", ev.Verb, objectName(ev), ip), true
		}
	}
	return "", false
}
