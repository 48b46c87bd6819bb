package live

import (
	"slices"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ManifestOnlyChecks returns the IDs of the checks that judge what a
// manifest carries: on a live cluster every Secret has data, so a live
// scan leaves them out unless they are asked for by name.
func ManifestOnlyChecks() []string {
	return []string{"registry-credentials-in-manifest", "secret-in-manifest"}
}

// WithoutManifestOnly returns reg without the manifest-only checks.
func WithoutManifestOnly(reg *posture.Registry) *posture.Registry {
	manifestOnly := ManifestOnlyChecks()
	return reg.Select(func(c posture.Check) bool { return !slices.Contains(manifestOnly, c.ID) })
}
