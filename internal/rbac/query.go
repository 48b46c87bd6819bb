package rbac

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Allowed reports whether RBAC allows the user the request, as the API
// server's RBAC authorizer decides it, and returns every grant that allows
// it (not only the first, as the authorizer needs): for each binding that
// applies, its first subject that matches the user and the first rule of
// its role that allows the request. ClusterRoleBindings apply everywhere;
// RoleBindings only when the request's namespace is theirs. The user is
// taken as given (see User).
func (s *Snapshot) Allowed(u User, a Attributes) (bool, []Grant) {
	var grants []Grant
	s.visit(u, a.Namespace, func(b *binding, subj rbacv1.Subject, r *role) {
		for i := range r.rules {
			if RuleAllows(a, &r.rules[i]) {
				grants = append(grants, s.grant(b, subj, r, r.rules[i]))
				return
			}
		}
	})
	return len(grants) > 0, grants
}

// List returns every rule that applies to the user in the namespace ("":
// only what ClusterRoleBindings grant), each as a Grant whose Rule is the
// rule: what `kubectl auth can-i --list` shows, with where each rule comes
// from. Rules of the same role through several bindings are listed once
// per binding.
func (s *Snapshot) List(u User, namespace string) []Grant {
	var grants []Grant
	s.visit(u, namespace, func(b *binding, subj rbacv1.Subject, r *role) {
		for _, rule := range r.rules {
			grants = append(grants, s.grant(b, subj, r, rule))
		}
	})
	return grants
}

// visit calls fn for each binding that applies to the user in the
// namespace and whose role exists, in the authorizer's order
// (ClusterRoleBindings, then the namespace's RoleBindings), with the
// binding's first subject that matches the user.
func (s *Snapshot) visit(u User, namespace string, fn func(*binding, rbacv1.Subject, *role)) {
	keys := make([]subjectKey, 0, len(u.Groups)+1)
	keys = append(keys, subjectKey{name: u.Name})
	for _, g := range u.Groups {
		keys = append(keys, subjectKey{group: true, name: g})
	}
	lookup := func(index map[subjectKey][]*binding) []*binding {
		var out []*binding
		for _, k := range keys {
			out = append(out, index[k]...)
		}
		slices.SortFunc(out, func(a, b *binding) int { return a.seq - b.seq })
		return slices.Compact(out)
	}
	candidates := lookup(s.crbBySubject)
	if namespace != "" {
		candidates = append(candidates, lookup(s.rbBySubject[namespace])...)
	}
	for _, b := range candidates {
		r := s.roleOf(b)
		if r == nil {
			continue
		}
		for i := range b.subjects {
			if appliesTo(u, &b.subjects[i], b.namespace()) {
				subj, _ := resolvedSubject(b.subjects[i], b.namespace())
				fn(b, subj, r)
				break
			}
		}
	}
}

func (s *Snapshot) grant(b *binding, subj rbacv1.Subject, r *role, rule rbacv1.PolicyRule) Grant {
	return Grant{Subject: subj, Binding: b.ref, Role: r.ref, Namespace: b.namespace(), Rule: rule, Default: b.dflt}
}

// WhoCan returns a grant for every subject of every binding that allows
// the request: ClusterRoleBindings, and with a namespace the RoleBindings
// of that namespace (to Roles of the namespace or to ClusterRoles). Each
// role is evaluated once per query, not once per binding: the cost grows
// with the number of roles and of matching bindings, not of all bindings.
// Subjects that can match no user (a ServiceAccount without namespace in a
// ClusterRoleBinding, an unknown kind) are left out. Grants are sorted:
// ClusterRoleBindings first, then by namespace, binding and subject.
func (s *Snapshot) WhoCan(a Attributes) []Grant {
	return s.whoCan(a, false)
}

// WhoCanInAnyNamespace is WhoCan for a namespaced resource in every
// namespace: ClusterRoleBindings and the RoleBindings of all namespaces,
// each grant saying where it applies. a.Namespace is ignored. For
// cluster-scoped resources and non-resource URLs use WhoCan with no
// namespace: the API server never asks about them in a namespace.
func (s *Snapshot) WhoCanInAnyNamespace(a Attributes) []Grant {
	return s.whoCan(a, true)
}

func (s *Snapshot) whoCan(a Attributes, anyNamespace bool) []Grant {
	var out []Grant
	emit := func(r *role, rule *rbacv1.PolicyRule, bindings []*binding) {
		for _, b := range bindings {
			if b.ref.Kind == "RoleBinding" && !anyNamespace && b.namespace() != a.Namespace {
				continue
			}
			for _, subj := range b.subjects {
				if subj, ok := resolvedSubject(subj, b.namespace()); ok {
					out = append(out, s.grant(b, subj, r, *rule))
				}
			}
		}
	}
	// Only roles with a rule naming the resource, "*" or "*/subresource"
	// (or a non-resource rule) can allow the request; each is checked once.
	checked := make([]bool, s.nRoles)
	check := func(r *role) {
		if checked[r.idx] {
			return
		}
		checked[r.idx] = true
		if r.ref.Kind == "Role" && !anyNamespace && r.ref.Namespace != a.Namespace {
			return
		}
		for i := range r.rules {
			if RuleAllows(a, &r.rules[i]) {
				emit(r, &r.rules[i], s.byRole[r.ref])
				return
			}
		}
	}
	var candidates [][]*role
	if a.IsResourceRequest() {
		combined := a.Resource
		if a.Subresource != "" {
			combined += "/" + a.Subresource
			candidates = append(candidates, s.byResource["*/"+a.Subresource])
		}
		candidates = append(candidates, s.byResource[combined], s.byResource[rbacv1.ResourceAll])
	} else {
		candidates = append(candidates, s.nonResource)
	}
	for _, roles := range candidates {
		for _, r := range roles {
			check(r)
		}
	}
	sortGrants(out)
	// A binding that names the same subject twice grants once.
	return slices.CompactFunc(out, func(x, y Grant) bool { return x.Binding == y.Binding && x.Subject == y.Subject })
}
