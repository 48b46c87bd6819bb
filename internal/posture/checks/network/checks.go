package network

import "github.com/landfall-dev/landfall/internal/posture"

// Checks returns the network checks, sorted by ID.
func Checks() []posture.Check {
	return []posture.Check{
		IngressWithoutTLS,
		LoadBalancerUnrestricted,
		NamespaceWithoutNetworkPolicy,
		NetworkPolicyAllowAll,
		PodSecurityLabelsMissing,
		SensitiveInterfaceService,
		SensitiveInterfaceIngress,
		ServiceExternalIPs,
		ServiceSSHPort,
	}
}
