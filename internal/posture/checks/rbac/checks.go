package rbac

import "github.com/landfall-dev/landfall/internal/posture"

// Checks returns the RBAC checks, sorted by ID.
func Checks() []posture.Check {
	return []posture.Check{
		AnonymousBinding,
		AuthenticatedBinding,
		ClusterAdminBinding,
		CoreDNSConfigMapWrite,
		CreateWorkloads,
		DefaultServiceAccountBinding,
		DeleteEvents,
		DeleteWorkloads,
		EscalationVerbs,
		NodesProxy,
		PodExec,
		SecretsRead,
		TokenCreate,
		WebhookConfigWrite,
		WildcardRule,
	}
}
