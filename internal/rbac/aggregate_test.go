package rbac

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func labelled(cr *rbacv1.ClusterRole, kv ...string) *rbacv1.ClusterRole {
	cr.Labels = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		cr.Labels[kv[i]] = kv[i+1]
	}
	return cr
}

func aggregated(name string, stored []rbacv1.PolicyRule, selectors ...metav1.LabelSelector) *rbacv1.ClusterRole {
	cr := clusterRole(name, stored...)
	cr.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: selectors}
	return cr
}

func matchLabels(kv ...string) metav1.LabelSelector {
	s := metav1.LabelSelector{MatchLabels: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		s.MatchLabels[kv[i]] = kv[i+1]
	}
	return s
}

func TestAggregation(t *testing.T) {
	t.Parallel()
	get := rule("get", "", "pods")
	list := rule("list", "", "pods")
	exec := rule("create", "", "pods/exec")
	cases := map[string]struct {
		objs     []runtime.Object
		computed []rbacv1.PolicyRule // of the role "agg"
		drift    []string
	}{
		"selected roles' rules in name order, each once, self excluded": {
			objs: []runtime.Object{
				labelled(clusterRole("b", list, get), "agg", "yes"),
				labelled(clusterRole("a", get), "agg", "yes"),
				labelled(clusterRole("c", exec), "agg", "no"),
				labelled(aggregated("agg", nil, matchLabels("agg", "yes")), "agg", "yes"),
			},
			computed: []rbacv1.PolicyRule{get, list},
			drift:    []string{"agg"},
		},
		"selectors in order, then names": {
			objs: []runtime.Object{
				labelled(clusterRole("a", get), "x", "1"),
				labelled(clusterRole("b", exec), "y", "1"),
				aggregated("agg", nil, matchLabels("y", "1"), matchLabels("x", "1")),
			},
			computed: []rbacv1.PolicyRule{exec, get},
			drift:    []string{"agg"},
		},
		"match expressions": {
			objs: []runtime.Object{
				labelled(clusterRole("a", get), "tier", "one"),
				labelled(clusterRole("b", exec), "tier", "two"),
				labelled(clusterRole("c", list), "tier", "three"),
				aggregated("agg", nil, metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
					{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"two"}},
				}}),
			},
			computed: []rbacv1.PolicyRule{get, list},
			drift:    []string{"agg"},
		},
		"up to date": {
			objs: []runtime.Object{
				labelled(clusterRole("a", get), "x", "1"),
				aggregated("agg", []rbacv1.PolicyRule{get}, matchLabels("x", "1")),
			},
			computed: []rbacv1.PolicyRule{get},
		},
		"aggregation of an aggregated role settles": {
			objs: []runtime.Object{
				labelled(clusterRole("a", get), "inner", "1"),
				labelled(aggregated("inner", nil, matchLabels("inner", "1")), "outer", "1"),
				labelled(clusterRole("b", exec), "outer", "1"),
				aggregated("agg", nil, matchLabels("outer", "1")),
			},
			computed: []rbacv1.PolicyRule{exec, get},
			drift:    []string{"agg", "inner"},
		},
		"an empty selector selects every other ClusterRole": {
			objs: []runtime.Object{
				clusterRole("a", get),
				clusterRole("b", exec),
				aggregated("agg", nil, metav1.LabelSelector{}),
			},
			computed: []rbacv1.PolicyRule{get, exec},
			drift:    []string{"agg"},
		},
		"an invalid selector keeps the stored rules": {
			objs: []runtime.Object{
				labelled(clusterRole("a", get), "x", "1"),
				aggregated("agg", []rbacv1.PolicyRule{list}, metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
					{Key: "x", Operator: "Near"},
				}}),
			},
			computed: []rbacv1.PolicyRule{list},
			drift:    []string{"agg"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			stored, err := New(Options{}, tc.objs...)
			g.Expect(err).NotTo(HaveOccurred())
			computed, err := New(Options{Aggregation: AggregationComputed}, tc.objs...)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(computed.clusterRoles["agg"].rules).To(Equal(tc.computed))
			g.Expect(stored.clusterRoles["agg"].rules).To(Equal(stored.clusterRoles["agg"].stored))
			g.Expect(stored.AggregationDrift()).To(Equal(tc.drift))

			// The computed rules are the ones evaluated in computed mode.
			u := UserFor(userSubject("alice"))
			withBinding := func(opts Options) *Snapshot {
				s, err := New(opts, append(tc.objs, crb("bind", "agg", userSubject("alice")))...)
				g.Expect(err).NotTo(HaveOccurred())
				return s
			}
			for _, r := range tc.computed {
				a := Attributes{Verb: r.Verbs[0]}
				a.Resource, a.Subresource, _ = strings.Cut(r.Resources[0], "/")
				ok, _ := withBinding(Options{Aggregation: AggregationComputed}).Allowed(u, a)
				g.Expect(ok).To(BeTrue(), "%s", a)
			}
		})
	}
}
