package rbac

import (
	"cmp"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// User is an identity as the authorizer sees it: a user name and the
// groups the authenticator gave it. Nothing is added: a user's
// "system:authenticated" group must be listed to count (UserFor and
// ParseSubject add the groups an authenticator would).
type User struct {
	// Name is the user name, for example "alice" or
	// "system:serviceaccount:ns:name".
	Name string `json:"name"`
	// Groups are the user's groups.
	Groups []string `json:"groups,omitempty"`
}

// Attributes describe one request, as a SubjectAccessReview does.
type Attributes struct {
	// Verb is the request verb, for example "get" or "create".
	Verb string `json:"verb"`
	// Namespace is the request namespace; empty for cluster-scoped
	// resources, for requests across all namespaces and for non-resource
	// URLs.
	Namespace string `json:"namespace,omitempty"`
	// APIGroup is the resource's API group ("" for the core group).
	APIGroup string `json:"apiGroup,omitempty"`
	// Resource is the resource, for example "pods".
	Resource string `json:"resource,omitempty"`
	// Subresource is the subresource, for example "exec".
	Subresource string `json:"subresource,omitempty"`
	// Name is the object name; empty for list, watch, create and
	// deletecollection, where rules with resourceNames never match.
	Name string `json:"name,omitempty"`
	// Path is the non-resource URL, for example "/healthz". A non-empty
	// Path makes the request a non-resource request; the resource fields
	// are then ignored.
	Path string `json:"path,omitempty"`
}

// IsResourceRequest reports whether the request is for a resource rather
// than a non-resource URL.
func (a Attributes) IsResourceRequest() bool { return a.Path == "" }

// String renders the request like "list secrets in namespace ns",
// "create pods/exec named x cluster-wide" or "get /healthz".
func (a Attributes) String() string {
	if !a.IsResourceRequest() {
		return a.Verb + " " + a.Path
	}
	var b strings.Builder
	b.WriteString(a.Verb)
	b.WriteString(" ")
	b.WriteString(resourceString(a.APIGroup, a.Resource, a.Subresource))
	if a.Name != "" {
		b.WriteString(" named " + a.Name)
	}
	if a.Namespace != "" {
		b.WriteString(" in namespace " + a.Namespace)
	} else {
		b.WriteString(" cluster-wide")
	}
	return b.String()
}

// resourceString renders resource[/subresource][.group].
func resourceString(group, resource, sub string) string {
	s := resource
	if sub != "" {
		s += "/" + sub
	}
	if group != "" {
		s += "." + group
	}
	return s
}

// Ref names an RBAC object: a Role, ClusterRole, RoleBinding or
// ClusterRoleBinding.
type Ref struct {
	// Kind is the object's kind.
	Kind string `json:"kind"`
	// Namespace is empty for cluster-scoped kinds.
	Namespace string `json:"namespace,omitempty"`
	// Name is the object's name.
	Name string `json:"name"`
}

// String renders Kind/name or Kind/namespace/name.
func (r Ref) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// Grant is one route by which a request is allowed: a subject of a binding
// whose role has a rule that allows it.
type Grant struct {
	// Subject is the binding's subject. A ServiceAccount subject of a
	// RoleBinding without a namespace has the binding's namespace filled
	// in, as the authorizer defaults it.
	Subject rbacv1.Subject `json:"subject"`
	// Binding is the RoleBinding or ClusterRoleBinding.
	Binding Ref `json:"binding"`
	// Role is the Role or ClusterRole the binding refers to.
	Role Ref `json:"role"`
	// Namespace is where the grant applies: the RoleBinding's namespace,
	// or empty for a ClusterRoleBinding (every namespace and
	// cluster-scoped resources).
	Namespace string `json:"namespace,omitempty"`
	// Rule is the role's first rule that allows the request (for List,
	// the rule listed).
	Rule rbacv1.PolicyRule `json:"rule"`
	// Default is true when the binding is one of the API server's
	// unchanged defaults (see the package comment).
	Default bool `json:"default,omitempty"`
}

// Scope renders where the grant applies: "cluster-wide" or
// "namespace <ns>".
func (g Grant) Scope() string {
	if g.Namespace == "" {
		return "cluster-wide"
	}
	return "namespace " + g.Namespace
}

// SubjectString renders a subject like "User alice", "Group devs" or
// "ServiceAccount ns/name".
func SubjectString(s rbacv1.Subject) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		return s.Kind + " " + s.Namespace + "/" + s.Name
	}
	return s.Kind + " " + s.Name
}

// RuleString renders a rule compactly, for example
// "get,list pods,pods/log" or "get /healthz,/livez".
func RuleString(r rbacv1.PolicyRule) string {
	verbs := strings.Join(r.Verbs, ",")
	if len(r.NonResourceURLs) > 0 {
		return verbs + " " + strings.Join(r.NonResourceURLs, ",")
	}
	var res []string
	for _, g := range r.APIGroups {
		for _, x := range r.Resources {
			if g == "" {
				res = append(res, x)
			} else {
				res = append(res, x+"."+g)
			}
		}
	}
	s := verbs + " " + strings.Join(res, ",")
	if len(r.ResourceNames) > 0 {
		s += " named " + strings.Join(r.ResourceNames, ",")
	}
	return s
}

// sortGrants orders grants by binding kind (ClusterRoleBindings first),
// namespace, binding name, subject kind and name, for stable output.
func sortGrants(gs []Grant) {
	slices.SortFunc(gs, func(a, b Grant) int {
		return cmp.Or(
			strings.Compare(kindOrder(a.Binding.Kind), kindOrder(b.Binding.Kind)),
			strings.Compare(a.Binding.Namespace, b.Binding.Namespace),
			strings.Compare(a.Binding.Name, b.Binding.Name),
			strings.Compare(a.Subject.Kind, b.Subject.Kind),
			strings.Compare(a.Subject.Namespace, b.Subject.Namespace),
			strings.Compare(a.Subject.Name, b.Subject.Name))
	})
}

func kindOrder(k string) string {
	if k == "ClusterRoleBinding" {
		return "0"
	}
	return "1"
}
