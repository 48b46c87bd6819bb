package rbac

import (
	"encoding/json"
	"slices"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// Capability is what an attack path ends in.
type Capability string

// Capabilities that end an attack path, strongest first.
const (
	// CapabilityClusterAdmin is every verb on every resource cluster-wide.
	CapabilityClusterAdmin Capability = "cluster-admin"
	// CapabilityReadSecrets is get or list on all secrets in a scope.
	CapabilityReadSecrets Capability = "read-secrets"
	// CapabilityCreatePods is create on pods in a scope.
	CapabilityCreatePods Capability = "create-pods"
)

// Hop is one step of an attack path.
type Hop struct {
	// Kind is the object kind (Service, Ingress, Deployment, Pod,
	// ServiceAccount, RoleBinding, ClusterRole, ...) or "Permission" for
	// the last hop.
	Kind string `json:"kind"`
	// Namespace is the object's namespace, if any.
	Namespace string `json:"namespace,omitempty"`
	// Name is the object's name, or the permission.
	Name string `json:"name"`
	// Detail says why the hop leads on, for example "type LoadBalancer".
	Detail string `json:"detail,omitempty"`
	// Tactic is the Threat Matrix tactic the hop serves, if any.
	Tactic string `json:"tactic,omitempty"`
	// Technique is the Threat Matrix technique of the hop, if any.
	Technique string `json:"technique,omitempty"`
}

// String renders Kind/namespace/name (detail).
func (h Hop) String() string {
	s := Ref{h.Kind, h.Namespace, h.Name}.String()
	if h.Kind == "Permission" {
		s = h.Name
	}
	if h.Detail != "" {
		s += " (" + h.Detail + ")"
	}
	return s
}

// AttackPath is a chain from a workload exposed outside the cluster to
// what its service account may do: Initial Access (the exposed Service or
// Ingress), Execution (the workload behind it), Credential Access (its
// mounted service-account token), and Privilege Escalation or Credential
// Access through the binding and role that grant the capability.
type AttackPath struct {
	// Capability is what the path ends in.
	Capability Capability `json:"capability"`
	// Scope is where the capability holds: "cluster-wide" or
	// "namespace <ns>".
	Scope string `json:"scope"`
	// Severity is critical for a capability cluster-wide or in
	// kube-system, high otherwise.
	Severity posture.Severity `json:"-"`
	// Techniques are the Threat Matrix techniques along the path.
	Techniques []string `json:"techniques"`
	// Workload is the exposed workload (a Pod when no controller of it is
	// known).
	Workload Ref `json:"workload"`
	// Hops are the steps: entry (Ingress and/or Service), workload,
	// ServiceAccount, binding, role, permission.
	Hops []Hop `json:"hops"`
	// Grant is the grant of the last hops.
	Grant Grant `json:"grant"`
}

// MarshalJSON adds the severity by name.
func (p AttackPath) MarshalJSON() ([]byte, error) {
	type plain AttackPath
	return json.Marshal(struct {
		plain
		Severity string `json:"severity"`
	}{plain(p), p.Severity.String()})
}

// Entry returns the first hop: the exposed Service or Ingress.
func (p AttackPath) Entry() Hop { return p.Hops[0] }

// String renders the hops joined by " -> ".
func (p AttackPath) String() string {
	s := ""
	for i, h := range p.Hops {
		if i > 0 {
			s += " -> "
		}
		s += h.String()
	}
	return s
}

// exposure says how a Service is reachable from outside the cluster, or
// "" when it is not: type LoadBalancer or NodePort, externalIPs.
func exposure(s *service) string {
	switch {
	case s.typ == string(corev1.ServiceTypeLoadBalancer) || s.typ == string(corev1.ServiceTypeNodePort):
		return "type " + s.typ
	case s.externalIPs:
		return "externalIPs"
	}
	return ""
}

// entry is how a Service is reached: the hops before the workload.
type entry struct {
	svc  *service
	hops []Hop
}

// entries returns the exposed Services: those of type LoadBalancer or
// NodePort or with externalIPs (entry hop: the Service), and the others an
// Ingress routes to (entry hops: the Ingress, then the Service).
func (s *Snapshot) entries() []entry {
	byRef := map[Ref]*service{}
	for _, svc := range s.services {
		byRef[svc.ref] = svc
	}
	var out []entry
	done := map[Ref]bool{}
	for _, svc := range s.services {
		if how := exposure(svc); how != "" {
			out = append(out, entry{svc, []Hop{{
				Kind: "Service", Namespace: svc.ref.Namespace, Name: svc.ref.Name, Detail: how,
				Tactic: threatmatrix.TacticInitialAccess, Technique: "MS-TA9004",
			}}})
			done[svc.ref] = true
		}
	}
	for _, ing := range s.ingresses {
		for _, name := range ing.backends {
			ref := Ref{"Service", ing.ref.Namespace, name}
			svc := byRef[ref]
			if svc == nil || done[ref] {
				continue
			}
			done[ref] = true
			out = append(out, entry{svc, []Hop{
				{Kind: "Ingress", Namespace: ing.ref.Namespace, Name: ing.ref.Name, Detail: "routes to Service " + name,
					Tactic: threatmatrix.TacticInitialAccess, Technique: "MS-TA9004"},
				{Kind: "Service", Namespace: svc.ref.Namespace, Name: svc.ref.Name, Detail: "type " + svc.typ},
			}})
		}
	}
	return out
}

// topOwner follows a workload's controller owners while they are in the
// snapshot: a Pod of a ReplicaSet of a Deployment is the Deployment.
func (s *Snapshot) topOwner(w *workload, byRef map[Ref]*workload) *workload {
	for range 5 {
		if w.owner == nil {
			return w
		}
		next := byRef[*w.owner]
		if next == nil {
			return w
		}
		w = next
	}
	return w
}

// tokenMounted reports whether the workload's pods get the service
// account's token: a projected token volume, or automountServiceAccountToken
// of the pod spec, else of the ServiceAccount, else true.
func (s *Snapshot) tokenMounted(w *workload) bool {
	if w.projectedToken {
		return true
	}
	if w.automount != nil {
		return *w.automount
	}
	if sa := s.serviceAccounts[Ref{"ServiceAccount", w.ref.Namespace, w.serviceAccount}]; sa != nil && sa.automount != nil {
		return *sa.automount
	}
	return true
}

// AttackPaths returns the paths from exposed workloads to cluster
// takeover: for every Service reachable from outside the cluster (see
// entries), every workload it selects (Pods resolved to their top
// controller in the snapshot) whose pods mount their service account's
// token, and what that service account may do (with its groups
// system:serviceaccounts, system:serviceaccounts:NS and
// system:authenticated): cluster-admin; else reading secrets and creating
// pods, each reported with its broadest grant (cluster-wide, then
// kube-system, then the workload's namespace, then any other). Sorted by
// severity, then entry.
func (s *Snapshot) AttackPaths() []AttackPath {
	byRef := make(map[Ref]*workload, len(s.workloads))
	for _, w := range s.workloads {
		byRef[w.ref] = w
	}
	var out []AttackPath
	for _, e := range s.entries() {
		if len(e.svc.selector) == 0 {
			continue
		}
		sel := labels.SelectorFromSet(e.svc.selector)
		seen := map[Ref]bool{}
		for _, w := range s.workloads {
			if w.ref.Namespace != e.svc.ref.Namespace || !sel.Matches(labels.Set(w.labels)) {
				continue
			}
			top := s.topOwner(w, byRef)
			if seen[top.ref] {
				continue
			}
			seen[top.ref] = true
			if !s.tokenMounted(top) {
				continue
			}
			out = append(out, s.pathsFrom(e, top)...)
		}
	}
	slices.SortStableFunc(out, func(a, b AttackPath) int {
		if a.Severity != b.Severity {
			return int(b.Severity - a.Severity)
		}
		return 0
	})
	return out
}

// pathsFrom returns the paths through one exposed workload.
func (s *Snapshot) pathsFrom(e entry, w *workload) []AttackPath {
	sa := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: w.ref.Namespace, Name: w.serviceAccount}
	u := UserFor(sa)
	prefix := append(slices.Clone(e.hops),
		Hop{Kind: w.ref.Kind, Namespace: w.ref.Namespace, Name: w.ref.Name,
			Detail: "selected by Service " + e.svc.ref.Name, Tactic: threatmatrix.TacticExecution, Technique: "MS-TA9009"},
		Hop{Kind: "ServiceAccount", Namespace: sa.Namespace, Name: sa.Name,
			Detail: "token mounted", Tactic: threatmatrix.TacticCredentialAccess, Technique: "MS-TA9016"},
	)
	admin := Attributes{Verb: anyVerb, APIGroup: anyGroup, Resource: anyResource}
	if ok, grants := s.Allowed(u, admin); ok {
		return []AttackPath{s.path(w, prefix, CapabilityClusterAdmin, "every verb on every resource", grants[0],
			threatmatrix.TacticPrivilegeEscalation, "MS-TA9019")}
	}
	var out []AttackPath
	for _, c := range []struct {
		capability Capability
		attrs      []Attributes
		tactic     string
		technique  string
	}{
		{CapabilityReadSecrets, []Attributes{{Verb: "list", Resource: "secrets"}, {Verb: "get", Resource: "secrets"}},
			threatmatrix.TacticCredentialAccess, "MS-TA9025"},
		{CapabilityCreatePods, []Attributes{{Verb: "create", Resource: "pods"}},
			threatmatrix.TacticExecution, "MS-TA9008"},
	} {
		for _, a := range c.attrs {
			if g, ok := s.broadest(u, a, w.ref.Namespace); ok {
				out = append(out, s.path(w, prefix, c.capability, a.Verb+" "+a.Resource, g, c.tactic, c.technique))
				break
			}
		}
	}
	return out
}

// broadest returns the broadest grant of the request: cluster-wide, then
// in kube-system, then in home, then in any other namespace.
func (s *Snapshot) broadest(u User, a Attributes, home string) (Grant, bool) {
	namespaces := []string{"", "kube-system", home}
	for _, ns := range sortedKeys(s.rbBySubject) {
		if !slices.Contains(namespaces, ns) {
			namespaces = append(namespaces, ns)
		}
	}
	for _, ns := range namespaces {
		a.Namespace = ns
		if ok, grants := s.Allowed(u, a); ok {
			return grants[0], true
		}
	}
	return Grant{}, false
}

func (s *Snapshot) path(w *workload, prefix []Hop, c Capability, what string, g Grant, tactic, technique string) AttackPath {
	via := SubjectString(g.Subject)
	hops := append(slices.Clone(prefix),
		Hop{Kind: g.Binding.Kind, Namespace: g.Binding.Namespace, Name: g.Binding.Name, Detail: "binds " + via,
			Tactic: threatmatrix.TacticPrivilegeEscalation},
		Hop{Kind: g.Role.Kind, Namespace: g.Role.Namespace, Name: g.Role.Name, Detail: "rule " + RuleString(g.Rule)},
		Hop{Kind: "Permission", Name: what, Detail: g.Scope(), Tactic: tactic, Technique: technique},
	)
	sev := posture.SeverityHigh
	if g.Namespace == "" || g.Namespace == "kube-system" {
		sev = posture.SeverityCritical
	}
	var techniques []string
	for _, h := range hops {
		if h.Technique != "" && !slices.Contains(techniques, h.Technique) {
			techniques = append(techniques, h.Technique)
		}
	}
	return AttackPath{Capability: c, Scope: g.Scope(), Workload: w.ref, Severity: sev, Techniques: techniques, Hops: hops, Grant: g}
}
