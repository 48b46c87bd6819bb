package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks/cluster"
	"github.com/landfall-dev/landfall/internal/posture/checks/network"
	"github.com/landfall-dev/landfall/internal/posture/checks/rbac"
	"github.com/landfall-dev/landfall/internal/posture/checks/resources"
	"github.com/landfall-dev/landfall/internal/posture/checks/secrets"
	"github.com/landfall-dev/landfall/internal/posture/checks/supplychain"
	"github.com/landfall-dev/landfall/internal/posture/checks/workload"
)

// Options configure the checks that take options.
type Options struct {
	// Registries configures image-untrusted-registry.
	Registries supplychain.RegistryOptions
}

// All returns every built-in check with default options, sorted by ID.
func All() []posture.Check {
	return AllWith(Options{})
}

// AllWith returns every built-in check with the given options, sorted by
// ID.
func AllWith(opts Options) []posture.Check {
	all := slices.Concat(
		cluster.Checks(),
		network.Checks(),
		rbac.Checks(),
		resources.Checks(),
		secrets.Checks(),
		supplychain.ChecksWith(opts.Registries),
		workload.Checks(),
	)
	slices.SortFunc(all, func(a, b posture.Check) int { return strings.Compare(a.ID, b.ID) })
	return all
}

// Registry returns a registry of every built-in check with default
// options.
func Registry() (*posture.Registry, error) {
	return RegistryWith(Options{})
}

// RegistryWith returns a registry of every built-in check with the given
// options.
func RegistryWith(opts Options) (*posture.Registry, error) {
	reg, err := posture.NewRegistry(AllWith(opts)...)
	if err != nil {
		return nil, fmt.Errorf("building the check registry: %w", err)
	}
	return reg, nil
}
