package supplychain

import "github.com/landfall-dev/landfall/internal/posture"

// Checks returns the supply-chain checks with default options, sorted by
// ID.
func Checks() []posture.Check {
	return ChecksWith(RegistryOptions{})
}

// ChecksWith returns the supply-chain checks with the given registry
// options, sorted by ID.
func ChecksWith(opts RegistryOptions) []posture.Check {
	return []posture.Check{
		Cryptominer,
		ImageMutableTag,
		ImageNotPinned,
		UntrustedRegistry(opts),
	}
}
