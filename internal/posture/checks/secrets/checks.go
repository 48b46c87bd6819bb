package secrets

import "github.com/landfall-dev/landfall/internal/posture"

// Checks returns the secrets checks, sorted by ID.
func Checks() []posture.Check {
	return []posture.Check{
		ConfigMapCredential,
		EnvCredential,
		RegistryCredentials,
		SecretInManifest,
		ServiceAccountTokenSecret,
	}
}
