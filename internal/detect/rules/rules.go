package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
)

// All returns every built-in rule, sorted by ID.
func All() []detect.Rule {
	all := []detect.Rule{
		AnonymousBinding,
		AnonymousRequest,
		BarePod,
		CloudIdentity,
		ClusterAdminBound,
		ConfigMapCredentials,
		ContainerInjected,
		CoreDNSModified,
		CronJobCreated,
		CSRApproved,
		CSRCreated,
		DaemonSetChanged,
		DeleteCollection,
		EphemeralContainer,
		EventsDeleted,
		ExecShell,
		ExecTar,
		HostNamespacePod,
		HostPathVolume,
		Impersonation,
		KubeSystemPod,
		KubeSystemServiceAccount,
		MassDelete,
		MutatingWebhook,
		NodePortService,
		NodeProxy,
		PodAttach,
		PodExec,
		PodPortForward,
		PrivilegedPod,
		ProxySource,
		PullSecret,
		RBACExecRole,
		RBACWildcardRole,
		SecretAccessDenied,
		SecretRead,
		SecretsListedAllNamespaces,
		SensitiveHostPath,
		ServiceAccountOutside,
		StaticPod,
		SystemNameMimic,
		SystemRBACModified,
		TokenRequest,
		UntrustedRegistry,
		ValidatingWebhook,
	}
	slices.SortFunc(all, func(a, b detect.Rule) int { return strings.Compare(a.ID, b.ID) })
	return all
}

// Registry returns a registry of every built-in rule.
func Registry() (*detect.Registry, error) {
	reg, err := detect.NewRegistry(All()...)
	if err != nil {
		return nil, fmt.Errorf("building the rule registry: %w", err)
	}
	return reg, nil
}
