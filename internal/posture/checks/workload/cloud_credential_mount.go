package workload

import (
	"path"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// cloudCredentialPaths are node paths that hold cloud provider credentials.
var cloudCredentialPaths = []string{
	"/etc/kubernetes/azure.json", "/etc/kubernetes/cloud.conf", "/etc/kubernetes/cloud-config",
	"/var/lib/waagent", "/etc/gcp", "/var/lib/google", "/etc/eks", "/var/lib/cloud",
}

// cloudCredentialDirs are directory names (in any home) with cloud CLI
// credentials.
var cloudCredentialDirs = []string{".aws", ".azure", ".config/gcloud", ".kube", ".docker"}

// CloudCredentialMount flags pods that mount cloud credential files.
var CloudCredentialMount = posture.Check{
	ID:         "cloud-credential-mount",
	Title:      "Cloud credentials mounted from the node",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9026", "MS-TA9020"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags hostPath volumes of files that hold the node's cloud service principal or " +
		"CLI credentials (/etc/kubernetes/azure.json, cloud.conf, ~/.aws, ~/.config/gcloud, " +
		"~/.kube, ~/.docker). They let an attacker act as the cluster in the cloud account.",
	Remediation: "Remove the hostPath volume and give the workload its own narrowly scoped cloud identity (workload identity).",
	Run: posture.PerPodSpec(hostPathChecker(func(p string) (string, bool) {
		if m, ok := underAny(p, cloudCredentialPaths); ok {
			return m + " holds cloud credentials", true
		}
		p = cleanHostPath(p)
		for _, d := range cloudCredentialDirs {
			if strings.HasSuffix(p, "/"+d) || strings.Contains(p, "/"+d+"/") || path.Base(p) == d {
				return d + " holds CLI credentials", true
			}
		}
		return "", false
	})),
}
