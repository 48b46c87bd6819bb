package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// safeSysctls are the namespaced sysctls Kubernetes considers safe.
var safeSysctls = map[string]bool{
	"kernel.shm_rmid_forced": true, "net.ipv4.ip_local_port_range": true,
	"net.ipv4.ip_unprivileged_port_start": true, "net.ipv4.tcp_syncookies": true,
	"net.ipv4.ping_group_range": true, "net.ipv4.ip_local_reserved_ports": true,
	"net.ipv4.tcp_keepalive_time": true, "net.ipv4.tcp_fin_timeout": true,
	"net.ipv4.tcp_keepalive_intvl": true, "net.ipv4.tcp_keepalive_probes": true,
}

// UnsafeSysctls flags pods that set sysctls outside the safe set.
var UnsafeSysctls = posture.Check{
	ID:         "unsafe-sysctls",
	Title:      "Unsafe sysctls",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9018", "MS-TA9040"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags pods whose securityContext.sysctls set a kernel parameter outside " +
		"Kubernetes' safe set. Unsafe sysctls can affect the whole node and other pods.",
	Remediation: "Remove the sysctl, or tune the node itself if the workload truly needs it.",
	Run:         posture.PerPodSpec(unsafeSysctls),
}

func unsafeSysctls(p posture.PodTemplate, _ posture.Index) []posture.Violation {
	var out []posture.Violation
	for i, s := range posture.Maps(p.Spec, "securityContext", "sysctls") {
		name := posture.Str(s, "name")
		if safeSysctls[name] {
			continue
		}
		out = append(out, posture.Violation{
			Path:    p.At(fmt.Sprintf("securityContext.sysctls[%d].name", i)),
			Message: fmt.Sprintf("pod sets unsafe sysctl %s", name),
		})
	}
	return out
}
