package webhook

import (
	"slices"

	authenticationv1 "k8s.io/api/authentication/v1"
)

// Identities says who is exempt from the tenant guard-rails: the platform
// (cluster administrators, Kubernetes' own controllers, Landfall's
// manager). Everyone else is treated as a tenant.
type Identities struct {
	// Users are exempt user names (for example the manager's service
	// account, system:serviceaccount:landfall-system:landfall-manager).
	Users []string
	// Groups are exempt groups.
	Groups []string
}

// DefaultIdentities are exempt unless configured otherwise: system:masters
// (cluster administrators), the kube-system service accounts and the
// controller-manager (namespace deletion and garbage collection delete
// template objects), and the landfall:platform-admins group.
func DefaultIdentities() Identities {
	return Identities{
		Users:  []string{"system:kube-controller-manager"},
		Groups: []string{"system:masters", "system:serviceaccounts:kube-system", "landfall:platform-admins"},
	}
}

// Privileged reports whether the user is exempt.
func (p Identities) Privileged(u authenticationv1.UserInfo) bool {
	if slices.Contains(p.Users, u.Username) {
		return true
	}
	for _, g := range u.Groups {
		if slices.Contains(p.Groups, g) {
			return true
		}
	}
	return false
}
