package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// reference is the authorizer's DefaultRuleResolver transcribed as
// literally as possible (k8s.io/kubernetes
// pkg/registry/rbac/validation/rule.go VisitRulesFor and
// GetRoleReferenceRules): every ClusterRoleBinding, then every RoleBinding
// of the request's namespace, each resolving its role again. The tests
// hold the indexed Snapshot to it, and the benchmark uses it as the
// baseline.
type reference struct {
	roles        []*rbacv1.Role
	clusterRoles []*rbacv1.ClusterRole
	rbs          []*rbacv1.RoleBinding
	crbs         []*rbacv1.ClusterRoleBinding
	// roleByKey and clusterRoleByName are the listers' lookups.
	roleByKey         map[[2]string]*rbacv1.Role
	clusterRoleByName map[string]*rbacv1.ClusterRole
}

func newReference(objs []runtime.Object) *reference {
	r := &reference{roleByKey: map[[2]string]*rbacv1.Role{}, clusterRoleByName: map[string]*rbacv1.ClusterRole{}}
	for _, o := range objs {
		switch o := o.(type) {
		case *rbacv1.Role:
			r.roles = append(r.roles, o)
			r.roleByKey[[2]string{o.Namespace, o.Name}] = o
		case *rbacv1.ClusterRole:
			r.clusterRoles = append(r.clusterRoles, o)
			r.clusterRoleByName[o.Name] = o
		case *rbacv1.RoleBinding:
			r.rbs = append(r.rbs, o)
		case *rbacv1.ClusterRoleBinding:
			r.crbs = append(r.crbs, o)
		}
	}
	return r
}

func (r *reference) roleRules(ref rbacv1.RoleRef, namespace string) ([]rbacv1.PolicyRule, bool) {
	switch ref.Kind {
	case "Role":
		if role := r.roleByKey[[2]string{namespace, ref.Name}]; role != nil {
			return role.Rules, true
		}
	case "ClusterRole":
		if cr := r.clusterRoleByName[ref.Name]; cr != nil {
			return cr.Rules, true
		}
	}
	return nil, false
}

// visit calls fn with each rule that applies to the user in the namespace
// and the binding it comes from.
func (r *reference) visit(u User, namespace string, fn func(binding string, rule *rbacv1.PolicyRule)) {
	for _, b := range r.crbs {
		applies := false
		for i := range b.Subjects {
			if appliesTo(u, &b.Subjects[i], "") {
				applies = true
				break
			}
		}
		if !applies {
			continue
		}
		rules, ok := r.roleRules(b.RoleRef, "")
		if !ok {
			continue
		}
		for i := range rules {
			fn("ClusterRoleBinding/"+b.Name, &rules[i])
		}
	}
	if namespace == "" {
		return
	}
	for _, b := range r.rbs {
		if b.Namespace != namespace {
			continue
		}
		applies := false
		for i := range b.Subjects {
			if appliesTo(u, &b.Subjects[i], namespace) {
				applies = true
				break
			}
		}
		if !applies {
			continue
		}
		rules, ok := r.roleRules(b.RoleRef, namespace)
		if !ok {
			continue
		}
		for i := range rules {
			fn("RoleBinding/"+namespace+"/"+b.Name, &rules[i])
		}
	}
}

func (r *reference) allowed(u User, a Attributes) bool {
	allowed := false
	r.visit(u, a.Namespace, func(_ string, rule *rbacv1.PolicyRule) {
		if RuleAllows(a, rule) {
			allowed = true
		}
	})
	return allowed
}

// whoCan visits every binding (of the namespace, or of all namespaces)
// and checks its role's rules: what a Snapshot without an index would do.
func (r *reference) whoCan(a Attributes, anyNamespace bool) []Grant {
	var out []Grant
	emit := func(bref Ref, role Ref, ns string, subjects []rbacv1.Subject, rules []rbacv1.PolicyRule) {
		for i := range rules {
			if !RuleAllows(a, &rules[i]) {
				continue
			}
			for _, s := range subjects {
				if s, ok := resolvedSubject(s, ns); ok {
					out = append(out, Grant{Subject: s, Binding: bref, Role: role, Namespace: ns, Rule: rules[i]})
				}
			}
			return
		}
	}
	for _, b := range r.crbs {
		if rules, ok := r.roleRules(b.RoleRef, ""); ok {
			emit(Ref{"ClusterRoleBinding", "", b.Name}, Ref{"ClusterRole", "", b.RoleRef.Name}, "", b.Subjects, rules)
		}
	}
	for _, b := range r.rbs {
		if !anyNamespace && b.Namespace != a.Namespace {
			continue
		}
		if rules, ok := r.roleRules(b.RoleRef, b.Namespace); ok {
			role := Ref{b.RoleRef.Kind, "", b.RoleRef.Name}
			if b.RoleRef.Kind == "Role" {
				role.Namespace = b.Namespace
			}
			emit(Ref{"RoleBinding", b.Namespace, b.Name}, role, b.Namespace, b.Subjects, rules)
		}
	}
	return out
}
