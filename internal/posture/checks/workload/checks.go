package workload

import "github.com/landfall-dev/landfall/internal/posture"

// Checks returns the workload checks, sorted by ID.
func Checks() []posture.Check {
	return []posture.Check{
		AppArmorMissing,
		CloudCredentialMount,
		CloudWorkloadIdentity,
		RuntimeSocketMount,
		SSHPort,
		DangerousCapabilities,
		DefaultServiceAccount,
		HostIPC,
		HostNetwork,
		HostPathMount,
		HostPID,
		HostPort,
		StaticPodManifestMount,
		NetRawNotDropped,
		PrivilegeEscalation,
		PrivilegedContainer,
		ProcMountUnmasked,
		RunAsNonRootMissing,
		RunAsRoot,
		SeccompMissing,
		SensitiveHostPath,
		ServiceAccountTokenAutomount,
		UnsafeSysctls,
		WindowsHostProcess,
		WritableHostPath,
		ReadOnlyRootFilesystem,
	}
}
