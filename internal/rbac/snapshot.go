package rbac

import (
	"cmp"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
)

// AggregationMode chooses the rules of ClusterRoles with an
// aggregationRule.
type AggregationMode int

const (
	// AggregationStored uses the rules stored in the ClusterRole, as the
	// API server's authorizer does: exact for a live cluster.
	AggregationStored AggregationMode = iota
	// AggregationComputed uses the rules the clusterrole-aggregation
	// controller computes from the label selectors: what the role will
	// grant once the controller has caught up, and the only rules an
	// aggregated ClusterRole has in manifests, where rules are usually
	// left out.
	AggregationComputed
)

// Options configure a Snapshot.
type Options struct {
	// Aggregation chooses stored or computed aggregated rules.
	Aggregation AggregationMode
}

// bootstrapLabel marks the RBAC objects the API server creates and keeps
// up to date itself.
const bootstrapLabel = "kubernetes.io/bootstrapping"

// role is a Role or ClusterRole.
type role struct {
	// idx numbers roles from 0 for per-query bookkeeping.
	idx         int
	ref         Ref
	labels      map[string]string
	aggregation *rbacv1.AggregationRule
	stored      []rbacv1.PolicyRule
	// rules are the rules evaluated: stored or computed.
	rules []rbacv1.PolicyRule
}

// binding is a RoleBinding or ClusterRoleBinding.
type binding struct {
	// seq orders bindings: ClusterRoleBindings by name, then RoleBindings
	// by namespace and name.
	seq      int
	ref      Ref
	roleRef  Ref
	subjects []rbacv1.Subject
	dflt     bool
}

// namespace returns the RoleBinding's namespace, "" for a
// ClusterRoleBinding.
func (b *binding) namespace() string { return b.ref.Namespace }

// subjectKey indexes binding subjects by the user name or group they
// match: a User subject by name, a Group by group, a ServiceAccount by its
// user name (system:serviceaccount:ns:name).
type subjectKey struct {
	group bool
	name  string
}

// Snapshot is a read-only view of a cluster's RBAC (and, for attack
// paths, of its exposed workloads), indexed for queries. It is safe for
// concurrent use.
type Snapshot struct {
	clusterRoles map[string]*role
	roles        map[Ref]*role
	rolesByNS    map[string][]*role
	crbs         []*binding
	rbs          map[string][]*binding
	// byRole lists the bindings of each role: for a ClusterRole both its
	// ClusterRoleBindings and the RoleBindings that refer to it.
	byRole map[Ref][]*binding
	// byResource lists the roles with a rule naming a resource ("pods",
	// "pods/log", "*", "*/status"); nonResource those with a
	// non-resource rule. WhoCan evaluates only the roles that can match.
	byResource  map[string][]*role
	nonResource []*role
	nRoles      int
	// crbBySubject and rbBySubject index bindings by subject, the latter
	// per namespace.
	crbBySubject map[subjectKey][]*binding
	rbBySubject  map[string]map[subjectKey][]*binding
	drift        []string

	workloads       []*workload
	services        []*service
	ingresses       []*ingress
	serviceAccounts map[Ref]*serviceAccountInfo
	notRead         []KindError
}

// KindError is a kind that could not be read, and why.
type KindError struct {
	// Kind is the object kind, for example "Pod".
	Kind string `json:"kind"`
	// Reason is "forbidden" or the error.
	Reason string `json:"reason"`
}

// roleRefOf resolves a roleRef: a Role is looked up in the binding's
// namespace. Kinds other than Role and ClusterRole resolve to nothing, as
// in the authorizer.
func roleRefOf(r rbacv1.RoleRef, namespace string) Ref {
	if r.Kind == "Role" {
		return Ref{"Role", namespace, r.Name}
	}
	return Ref{r.Kind, "", r.Name}
}

// keyOf returns the index key of a subject in a binding of the namespace
// ("" for a ClusterRoleBinding), and false for subjects that can match no
// user: unknown kinds and, in a ClusterRoleBinding, ServiceAccounts
// without a namespace.
func keyOf(s *rbacv1.Subject, namespace string) (subjectKey, bool) {
	switch s.Kind {
	case rbacv1.UserKind:
		return subjectKey{name: s.Name}, true
	case rbacv1.GroupKind:
		return subjectKey{group: true, name: s.Name}, true
	case rbacv1.ServiceAccountKind:
		ns := cmp.Or(s.Namespace, namespace)
		if ns == "" {
			return subjectKey{}, false
		}
		return subjectKey{name: serviceaccount.MakeUsername(ns, s.Name)}, true
	default:
		return subjectKey{}, false
	}
}

// resolvedSubject returns the subject with a ServiceAccount's namespace
// defaulted to the binding's, and false when it can match no user.
func resolvedSubject(s rbacv1.Subject, namespace string) (rbacv1.Subject, bool) {
	if _, ok := keyOf(&s, namespace); !ok {
		return s, false
	}
	if s.Kind == rbacv1.ServiceAccountKind && s.Namespace == "" {
		s.Namespace = namespace
	}
	return s, true
}

// isUnchangedDefault reports whether a binding is one of the API server's
// default bindings (label kubernetes.io/bootstrapping=rbac-defaults) whose
// subjects are all system identities: users and groups named system:* and
// kube-system service accounts. It is the rule of posture/live.
func isUnchangedDefault(labels map[string]string, subjects []rbacv1.Subject) bool {
	if labels[bootstrapLabel] != "rbac-defaults" {
		return false
	}
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			if s.Namespace != "kube-system" {
				return false
			}
		default:
			if !strings.HasPrefix(s.Name, "system:") {
				return false
			}
		}
	}
	return true
}

// indexRules fills byResource and nonResource from the evaluated rules.
func (s *Snapshot) indexRules() {
	s.byResource = map[string][]*role{}
	add := func(r *role) {
		r.idx = s.nRoles
		s.nRoles++
		nonResource := false
		for i := range r.rules {
			for _, res := range r.rules[i].Resources {
				if l := s.byResource[res]; len(l) == 0 || l[len(l)-1] != r {
					s.byResource[res] = append(l, r)
				}
			}
			nonResource = nonResource || len(r.rules[i].NonResourceURLs) > 0
		}
		if nonResource {
			s.nonResource = append(s.nonResource, r)
		}
	}
	for _, name := range sortedKeys(s.clusterRoles) {
		add(s.clusterRoles[name])
	}
	for _, ns := range sortedKeys(s.rolesByNS) {
		for _, r := range s.rolesByNS[ns] {
			add(r)
		}
	}
}

// AggregationDrift returns the names of the aggregated ClusterRoles whose
// stored rules differ from what the clusterrole-aggregation controller
// computes from their selectors: roles the controller has not caught up
// with yet (or cannot, for an invalid selector), sorted.
func (s *Snapshot) AggregationDrift() []string { return slices.Clone(s.drift) }

// NotRead returns the kinds the loader could not read.
func (s *Snapshot) NotRead() []KindError { return slices.Clone(s.notRead) }

// Counts returns the numbers of roles (Roles and ClusterRoles) and
// bindings (RoleBindings and ClusterRoleBindings) in the snapshot.
func (s *Snapshot) Counts() (roles, bindings int) {
	n := len(s.crbs)
	for _, l := range s.rbs {
		n += len(l)
	}
	return len(s.clusterRoles) + len(s.roles), n
}

// roleOf returns the role a binding refers to, or nil when it does not
// exist (the authorizer then grants nothing through the binding).
func (s *Snapshot) roleOf(b *binding) *role {
	if b.roleRef.Kind == "ClusterRole" {
		return s.clusterRoles[b.roleRef.Name]
	}
	if b.roleRef.Kind == "Role" {
		return s.roles[b.roleRef]
	}
	return nil
}
