package rbac

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Random RBAC configurations, shared by the in-memory property test and
// the test against the real API server.

var (
	genVerbs     = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "bind", "escalate", "impersonate", "use", "proxy"}
	genGroups    = []string{"", "apps", "batch", "rbac.authorization.k8s.io", "example.com"}
	genResources = []string{"pods", "deployments", "secrets", "configmaps", "nodes", "namespaces", "widgets", "jobs", "roles", "clusterroles", "users"}
	genSubs      = []string{"log", "exec", "status", "scale", "proxy"}
	genNames     = []string{"a", "b", "coredns"}
	genURLs      = []string{"/healthz", "/healthz/*", "/metrics", "/api/*", "/logs*", "*", "/version", "/apis", "/openapi/*"}
	genPaths     = []string{"/healthz", "/healthz/etcd", "/metrics", "/api", "/api/v1", "/apis", "/apis/apps", "/logs", "/logs/kubelet",
		"/version", "/version/", "/openapi/v2", "/readyz", "/livez", "/x", "/metricsx"}
)

// genSpace is what a configuration is generated over.
type genSpace struct {
	// prefix names cluster-scoped objects and labels, so that runs on a
	// shared API server do not collide.
	prefix     string
	namespaces []string
	users      []string
	groups     []string
	accounts   []string
}

func newGenSpace(prefix string, namespaces []string) genSpace {
	return genSpace{
		prefix:     prefix,
		namespaces: namespaces,
		users:      []string{prefix + "-u0", prefix + "-u1", prefix + "-u2", prefix + "-u3", prefix + "-u4"},
		groups:     []string{prefix + "-g0", prefix + "-g1", prefix + "-g2"},
		accounts:   []string{"sa0", "sa1", "sa2"},
	}
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// some returns 1..max distinct items of list.
func some(r *rand.Rand, list []string, maxN int) []string {
	n := 1 + r.IntN(maxN)
	var out []string
	for range n {
		if s := pick(r, list); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func genRule(r *rand.Rand, nonResourceOK bool) rbacv1.PolicyRule {
	var rule rbacv1.PolicyRule
	if r.IntN(10) == 0 {
		rule.Verbs = []string{"*"}
	} else {
		rule.Verbs = some(r, genVerbs, 3)
	}
	if nonResourceOK && r.IntN(6) == 0 {
		rule.NonResourceURLs = some(r, genURLs, 2)
		return rule
	}
	if r.IntN(10) == 0 {
		rule.APIGroups = []string{"*"}
	} else {
		rule.APIGroups = some(r, genGroups, 2)
	}
	for range 1 + r.IntN(3) {
		var res string
		switch x := r.IntN(20); {
		case x == 0:
			res = "*"
		case x == 1:
			res = "*/" + pick(r, genSubs)
		case x < 7:
			res = pick(r, genResources) + "/" + pick(r, genSubs)
		default:
			res = pick(r, genResources)
		}
		if !slices.Contains(rule.Resources, res) {
			rule.Resources = append(rule.Resources, res)
		}
	}
	if r.IntN(4) == 0 {
		rule.ResourceNames = some(r, genNames, 2)
	}
	return rule
}

func genRules(r *rand.Rand, nonResourceOK bool) []rbacv1.PolicyRule {
	rules := make([]rbacv1.PolicyRule, 1+r.IntN(3))
	for i := range rules {
		rules[i] = genRule(r, nonResourceOK)
	}
	return rules
}

func (sp genSpace) subject(r *rand.Rand, bindingNS string) rbacv1.Subject {
	switch x := r.IntN(20); {
	case x < 7:
		return userSubject(pick(r, sp.users))
	case x < 11:
		return groupSubject(pick(r, sp.groups))
	case x == 11:
		return groupSubject("system:serviceaccounts:" + pick(r, sp.namespaces))
	case x == 12 && r.IntN(4) == 0:
		return groupSubject("system:authenticated")
	default:
		ns := pick(r, sp.namespaces)
		if bindingNS != "" && r.IntN(2) == 0 {
			ns = "" // defaulted to the RoleBinding's namespace
		}
		return saSubject(ns, pick(r, sp.accounts[:2]))
	}
}

func (sp genSpace) subjects(r *rand.Rand, bindingNS string) []rbacv1.Subject {
	out := make([]rbacv1.Subject, 1+r.IntN(3))
	for i := range out {
		out[i] = sp.subject(r, bindingNS)
	}
	return out
}

// generate returns a random configuration: ClusterRoles (some labelled
// for aggregation), aggregated ClusterRoles (one aggregating another),
// Roles per namespace, and bindings to users, groups and service accounts,
// some to bootstrap or missing roles.
func (sp genSpace) generate(r *rand.Rand) []runtime.Object {
	var objs []runtime.Object
	aggKey := sp.prefix + "-agg"
	var clusterRoles []string
	for i := range 6 {
		cr := clusterRole(fmt.Sprintf("%s-cr%d", sp.prefix, i), genRules(r, true)...)
		if r.IntN(2) == 0 {
			cr.Labels = map[string]string{aggKey: pick(r, []string{"x", "y"})}
		}
		objs = append(objs, cr)
		clusterRoles = append(clusterRoles, cr.Name)
	}
	aggX := &rbacv1.ClusterRole{
		ObjectMeta:      metav1.ObjectMeta{Name: sp.prefix + "-agg-x", Labels: map[string]string{aggKey + "-outer": "z"}},
		AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{aggKey: "x"}}}},
	}
	aggXY := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: sp.prefix + "-agg-xy"},
		AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{
			{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: aggKey, Operator: metav1.LabelSelectorOpIn, Values: []string{"y"}}}},
			{MatchLabels: map[string]string{aggKey + "-outer": "z"}},
		}},
	}
	objs = append(objs, aggX, aggXY)
	clusterRoles = append(clusterRoles, aggX.Name, aggXY.Name, "view", "edit", sp.prefix+"-missing")

	for i := range 5 {
		objs = append(objs, crb(fmt.Sprintf("%s-crb%d", sp.prefix, i), pick(r, clusterRoles), sp.subjects(r, "")...))
	}
	for _, ns := range sp.namespaces {
		var roles []string
		for i := range 3 {
			role := nsRole(ns, fmt.Sprintf("role%d", i), genRules(r, false)...)
			objs = append(objs, role)
			roles = append(roles, role.Name)
		}
		roles = append(roles, "missing")
		for i := range 5 {
			kind, name := "Role", pick(r, roles)
			if r.IntN(3) == 0 {
				kind, name = "ClusterRole", pick(r, clusterRoles)
			}
			objs = append(objs, rb(ns, fmt.Sprintf("rb%d", i), kind, name, sp.subjects(r, ns)...))
		}
	}
	return objs
}

// identities returns the users to ask about: the generated users with
// random groups (and system:authenticated), a user with no groups, the
// service accounts of every namespace (one never bound by name), a
// group-only identity and the anonymous user.
func (sp genSpace) identities(r *rand.Rand) []User {
	var out []User
	for _, u := range sp.users {
		groups := []string{"system:authenticated"}
		for _, g := range sp.groups {
			if r.IntN(2) == 0 {
				groups = append(groups, g)
			}
		}
		out = append(out, User{Name: u, Groups: groups})
	}
	out = append(out, User{Name: sp.prefix + "-nogroups"})
	for _, ns := range sp.namespaces {
		for _, sa := range sp.accounts {
			out = append(out, UserFor(saSubject(ns, sa)))
		}
	}
	out = append(out, User{Groups: []string{sp.groups[0]}}, UserFor(userSubject("system:anonymous")))
	return out
}

// attributes returns a random request: two thirds of them built from a
// random rule of the configuration (so that many are allowed), the others from
// the vocabulary, in the generated namespaces, kube-system, another
// namespace or cluster-wide.
func (sp genSpace) attributes(r *rand.Rand, objs []runtime.Object) Attributes {
	namespaces := append(slices.Clone(sp.namespaces), "", "", "kube-system", sp.prefix+"-elsewhere")
	a := Attributes{Namespace: pick(r, namespaces)}
	if r.IntN(6) == 0 {
		a.Namespace = ""
		a.Verb = pick(r, []string{"get", "post", "put", "delete", "head"})
		if r.IntN(3) > 0 {
			a.Verb = "get"
		}
		a.Path = pick(r, genPaths)
		return a
	}
	a.Verb = pick(r, genVerbs)
	a.APIGroup = pick(r, genGroups)
	a.Resource = pick(r, genResources)
	if r.IntN(3) == 0 {
		a.Subresource = pick(r, genSubs)
	}
	if r.IntN(2) == 0 {
		a.Name = pick(r, append(slices.Clone(genNames), "c"))
	}
	if r.IntN(3) > 0 {
		if rule, ns := randomRule(r, objs); rule != nil && len(rule.NonResourceURLs) == 0 {
			if ns != "" && r.IntN(3) > 0 {
				a.Namespace = ns
			}
			if v := pick(r, rule.Verbs); v != "*" {
				a.Verb = v
			}
			if g := pick(r, rule.APIGroups); g != "*" {
				a.APIGroup = g
			}
			res := pick(r, rule.Resources)
			if res != "*" && res[0] != '*' {
				a.Resource, a.Subresource, _ = strings.Cut(res, "/")
			}
			if len(rule.ResourceNames) > 0 && r.IntN(3) > 0 {
				a.Name = pick(r, rule.ResourceNames)
			}
		}
	}
	return a
}

// randomRule returns a rule of a random role and the role's namespace.
func randomRule(r *rand.Rand, objs []runtime.Object) (*rbacv1.PolicyRule, string) {
	var rules []rbacv1.PolicyRule
	ns := ""
	switch o := pick(r, objs).(type) {
	case *rbacv1.Role:
		rules, ns = o.Rules, o.Namespace
	case *rbacv1.ClusterRole:
		rules = o.Rules
	}
	if len(rules) == 0 {
		return nil, ""
	}
	return &rules[r.IntN(len(rules))], ns
}
