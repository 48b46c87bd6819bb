package resources

import "github.com/landfall-dev/landfall/internal/posture"

// Checks returns the resource checks, sorted by ID.
func Checks() []posture.Check {
	return []posture.Check{
		NamespaceWithoutLimitRange,
		NamespaceWithoutQuota,
		MissingLimits,
		MissingRequests,
	}
}
