package posture

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// kebabID matches stable check IDs such as "privileged-container".
var kebabID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// techniqueID matches Threat Matrix technique IDs such as "MS-TA9018".
var techniqueID = regexp.MustCompile(`^MS-TA9\d{3}$`)

// RetiredTechniques are technique IDs that the Threat Matrix no longer uses;
// a check must not reference them. MS-TA9032 ("Access Kubernetes dashboard")
// was replaced by MS-TA9005 ("Exposed sensitive interfaces").
var RetiredTechniques = []string{"MS-TA9032"}

// Registry is an explicit, validated set of checks, kept sorted by ID.
// It is immutable after NewRegistry and safe for concurrent use.
type Registry struct {
	checks []Check
	byID   map[string]int
}

// NewRegistry validates the checks and returns a registry of them. It rejects
// duplicate or non-kebab-case IDs, a missing title or remediation, an
// invalid severity, a check without techniques or with malformed or retired
// technique IDs, and a nil Run.
func NewRegistry(checks ...Check) (*Registry, error) {
	r := &Registry{checks: make([]Check, 0, len(checks)), byID: make(map[string]int, len(checks))}
	for _, c := range checks {
		if err := validateCheck(c); err != nil {
			return nil, fmt.Errorf("registering check %q: %w", c.ID, err)
		}
		if _, dup := r.byID[c.ID]; dup {
			return nil, fmt.Errorf("duplicate check id: %s", c.ID)
		}
		r.byID[c.ID] = -1
		r.checks = append(r.checks, c)
	}
	slices.SortFunc(r.checks, func(a, b Check) int { return strings.Compare(a.ID, b.ID) })
	for i, c := range r.checks {
		r.byID[c.ID] = i
	}
	return r, nil
}

func validateCheck(c Check) error {
	switch {
	case !kebabID.MatchString(c.ID):
		return fmt.Errorf("id %q is not kebab-case", c.ID)
	case strings.TrimSpace(c.Title) == "":
		return fmt.Errorf("empty title")
	case c.Severity < SeverityLow || c.Severity > SeverityCritical:
		return fmt.Errorf("invalid severity %d", int(c.Severity))
	case strings.TrimSpace(c.Remediation) == "":
		return fmt.Errorf("empty remediation")
	case len(c.Techniques) == 0:
		return fmt.Errorf("no techniques")
	case c.Run == nil:
		return fmt.Errorf("nil Run")
	}
	for i, l := range c.Lookups {
		if len(l.Kinds) == 0 {
			return fmt.Errorf("lookups[%d]: no kinds", i)
		}
	}
	for _, t := range c.Techniques {
		if !techniqueID.MatchString(t) {
			return fmt.Errorf("technique %q is not an MS-TA9xxx ID", t)
		}
		if slices.Contains(RetiredTechniques, t) {
			return fmt.Errorf("technique %s is retired", t)
		}
	}
	return nil
}

// All returns the checks sorted by ID. The slice is a copy; the checks'
// Techniques and Kinds slices are shared and must not be modified.
func (r *Registry) All() []Check {
	return slices.Clone(r.checks)
}

// Len returns the number of checks.
func (r *Registry) Len() int { return len(r.checks) }

// Get returns the check with the given ID.
func (r *Registry) Get(id string) (Check, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Check{}, false
	}
	return r.checks[i], true
}

// Select returns a registry of the checks for which keep returns true.
func (r *Registry) Select(keep func(Check) bool) *Registry {
	out := &Registry{byID: map[string]int{}}
	for _, c := range r.checks {
		if keep(c) {
			out.byID[c.ID] = len(out.checks)
			out.checks = append(out.checks, c)
		}
	}
	return out
}
