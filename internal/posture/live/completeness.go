package live

import "fmt"

// State says what became of one kind.
type State string

// States of a kind.
const (
	// StateAssessed means every object of the kind in scope was listed.
	StateAssessed State = "assessed"
	// StateForbidden means the identity may not list the kind.
	StateForbidden State = "forbidden"
	// StateFailed means listing failed for another reason.
	StateFailed State = "failed"
	// StateSkipped means the kind is cluster-scoped and the scan is
	// limited to a namespace.
	StateSkipped State = "skipped"
	// StateNotServed means the cluster serves no resource of the kind, so
	// there is nothing to assess.
	StateNotServed State = "not served"
)

// KindStatus is what the scan did with one kind.
type KindStatus struct {
	// Kind is the object kind, for example "Deployment".
	Kind string `json:"kind"`
	// Resource is resource.group/version, empty when not served.
	Resource string `json:"resource,omitempty"`
	// Namespaced is whether the kind lives in namespaces.
	Namespaced bool `json:"namespaced"`
	// State is what became of the kind.
	State State `json:"state"`
	// Listed counts the objects read.
	Listed int `json:"listed"`
	// Error is why the kind is not assessed, for StateFailed.
	Error string `json:"error,omitempty"`
}

// Reason renders the status for a report: "42 listed",
// "not assessed: forbidden", "not assessed: <error>", "skipped:
// cluster-scoped" or "not served".
func (k KindStatus) Reason() string {
	switch k.State {
	case StateAssessed:
		return fmt.Sprintf("%d listed", k.Listed)
	case StateForbidden:
		return "not assessed: forbidden"
	case StateFailed:
		return "not assessed: " + k.Error
	case StateSkipped:
		return "skipped: cluster-scoped kind outside the namespace scope"
	default:
		return string(k.State)
	}
}

// CheckStatus names a check whose findings were dropped because an object
// kind it looks up could not be read.
type CheckStatus struct {
	// ID is the check ID.
	ID string `json:"id"`
	// Reason names the kinds that were not assessed.
	Reason string `json:"reason"`
}

// Completeness says how much of the cluster a scan could see.
type Completeness struct {
	// Cluster names the cluster (kubeconfig context or server).
	Cluster string `json:"cluster"`
	// Namespace is the namespace scanned; empty for all namespaces.
	Namespace string `json:"namespace,omitempty"`
	// Needed counts the kinds in scope that the cluster serves.
	Needed int `json:"needed"`
	// Assessed counts the kinds of Needed that were fully listed.
	Assessed int `json:"assessed"`
	// Kinds are every kind the checks need, sorted by kind.
	Kinds []KindStatus `json:"kinds"`
	// ChecksNotAssessed are the checks whose findings were dropped.
	ChecksNotAssessed []CheckStatus `json:"checksNotAssessed"`
}

// Percent returns Assessed/Needed in whole percent, rounded down so that
// 100 means complete; 100 when nothing was needed.
func (c *Completeness) Percent() int {
	if c.Needed == 0 {
		return 100
	}
	return c.Assessed * 100 / c.Needed
}

// Complete reports whether every needed kind was assessed.
func (c *Completeness) Complete() bool { return c.Assessed == c.Needed }

// NotAssessed returns the kinds that were in scope but not assessed.
func (c *Completeness) NotAssessed() []KindStatus {
	var out []KindStatus
	for _, k := range c.Kinds {
		if k.State == StateForbidden || k.State == StateFailed {
			out = append(out, k)
		}
	}
	return out
}

// Skipped returns the cluster-scoped kinds skipped for a namespace scan.
func (c *Completeness) Skipped() []string {
	var out []string
	for _, k := range c.Kinds {
		if k.State == StateSkipped {
			out = append(out, k.Kind)
		}
	}
	return out
}
