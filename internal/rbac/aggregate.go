package rbac

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// aggregate computes the rules of the ClusterRoles with an aggregationRule
// as the clusterrole-aggregation controller does
// (k8s.io/kubernetes pkg/controller/clusterroleaggregation): for each
// selector in order, the rules of every other ClusterRole it selects, in
// name order, each rule once. The controller reads the stored rules of the
// selected roles, which may themselves be aggregated; aggregate repeats
// passes in name order, each seeing the previous results, until nothing
// changes, which is where the controller settles. It returns the names of
// the aggregated roles whose stored rules differ from the computed ones
// (or whose selector is invalid, which the controller cannot apply either),
// sorted, and with computed set, makes the computed rules the ones
// evaluated.
func aggregate(crs map[string]*role, computed bool) []string {
	names := make([]string, 0, len(crs))
	for name := range crs {
		names = append(names, name)
	}
	slices.Sort(names)
	current := make(map[string][]rbacv1.PolicyRule, len(crs))
	var aggregated []*role
	for _, name := range names {
		r := crs[name]
		current[name] = r.stored
		if r.aggregation != nil {
			aggregated = append(aggregated, r)
		}
	}
	invalid := map[string]bool{}
	for range len(aggregated) + 1 {
		changed := false
		for _, r := range aggregated {
			rules, ok := aggregatedRules(r, names, crs, current)
			if !ok {
				invalid[r.ref.Name] = true
				continue
			}
			if !equality.Semantic.DeepEqual(rules, current[r.ref.Name]) {
				current[r.ref.Name] = rules
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	var drift []string
	for _, r := range aggregated {
		if invalid[r.ref.Name] || !equality.Semantic.DeepEqual(current[r.ref.Name], r.stored) {
			drift = append(drift, r.ref.Name)
		}
		if computed && !invalid[r.ref.Name] {
			r.rules = current[r.ref.Name]
		}
	}
	return drift
}

// aggregatedRules is one run of the controller's syncClusterRole for r;
// false when a selector is invalid.
func aggregatedRules(r *role, names []string, crs map[string]*role, current map[string][]rbacv1.PolicyRule) ([]rbacv1.PolicyRule, bool) {
	out := []rbacv1.PolicyRule{}
	for i := range r.aggregation.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&r.aggregation.ClusterRoleSelectors[i])
		if err != nil {
			return nil, false
		}
		for _, name := range names {
			if name == r.ref.Name || !sel.Matches(labels.Set(crs[name].labels)) {
				continue
			}
			for _, rule := range current[name] {
				if !slices.ContainsFunc(out, func(have rbacv1.PolicyRule) bool { return equality.Semantic.DeepEqual(have, rule) }) {
					out = append(out, rule)
				}
			}
		}
	}
	return out, true
}
