package live

import (
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/rbac"
)

// rbacKinds are the kinds an RBAC analysis of a scan's objects needs in
// full: one missing binding or role changes who can do what.
var rbacKinds = []string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}

// RBACComplete reports whether a scan with opts read every Role,
// ClusterRole, RoleBinding and ClusterRoleBinding of the cluster, so that
// an effective-permission analysis of its objects (internal/rbac) answers
// as the API server's authorizer would. A namespace or label selector
// scope hides grants, and so does a kind that could not be listed.
func (c *Completeness) RBACComplete(opts Options) bool {
	if opts.Namespace != "" || opts.Selector != "" {
		return false
	}
	found := 0
	for _, k := range c.Kinds {
		for _, want := range rbacKinds {
			if k.Kind != want {
				continue
			}
			if k.State != StateAssessed {
				return false
			}
			found++
		}
	}
	return found == len(rbacKinds)
}

// RBACNotRun is the note a report carries when a scan could not run the
// RBAC analysis.
const RBACNotRun = "RBAC analysis (risky permissions per subject, attack paths) not run: it needs every Role, ClusterRole and binding of the cluster, without a namespace or selector scope"

// RBACAnalysis adds the RBAC analysis (risky permissions per subject and
// attack paths, internal/rbac) to a live scan. It reads the objects the
// scan lists anyway, so it costs no request.
type RBACAnalysis struct {
	grants *rbac.Builder
}

// NewRBACAnalysis returns an analysis that sees every object a scan with
// opts reads: it chains itself onto opts.OnObject.
func NewRBACAnalysis(opts *Options) *RBACAnalysis {
	a := &RBACAnalysis{grants: rbac.NewBuilder()}
	next := opts.OnObject
	opts.OnObject = func(obj *posture.Object) {
		// An object the API server served always decodes; one that does
		// not is only left out of the analysis.
		_ = a.grants.AddPosture(obj)
		if next != nil {
			next(obj)
		}
	}
	return a
}

// Findings returns the analysis' findings for the scan's result, or, when
// the scan did not read all of RBAC across the cluster (a partial view
// misses grants and paths), none and the RBACNotRun note.
func (a *RBACAnalysis) Findings(res *Result, opts Options) ([]posture.Finding, string) {
	if !res.Completeness.RBACComplete(opts) {
		return nil, RBACNotRun
	}
	snap := a.grants.Build(rbac.Options{})
	return rbac.Findings(snap.Risks(rbac.RiskOptions{}), snap.AttackPaths(), posture.Source{Cluster: opts.Cluster}), ""
}

// RBACChecks describes the analysis' checks for a report; they are not
// registry checks (they have no per-object function).
func RBACChecks() []posture.Check { return rbac.Checks() }
