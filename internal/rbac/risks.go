package rbac

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiserver/pkg/authentication/user"

	"github.com/landfall-dev/landfall/internal/posture"
)

// Probe values that only wildcard rules match: a rule allows a request
// for anyVerb on anyResource in anyGroup only through "*" verbs,
// resources and API groups, so probing with them asks "every verb",
// "every resource" or "every group".
const (
	anyVerb     = "landfall:any-verb"
	anyGroup    = "any.landfall.invalid"
	anyResource = "landfall-any-resource"
)

// probeScope says where a probe asks.
type probeScope int

const (
	// anyNamespace: a namespaced resource, through ClusterRoleBindings or
	// the RoleBindings of any namespace.
	anyNamespace probeScope = iota
	// clusterScope: a cluster-scoped resource, through
	// ClusterRoleBindings only.
	clusterScope
	// inNamespace: the probe's own namespace only.
	inNamespace
)

// probe is one request a risk check asks about. verb and what label it
// in permissions ("get" "secrets"); probes of the same what and scope are
// reported together ("get,list secrets cluster-wide").
type probe struct {
	verb, what string
	attrs      Attributes
	scope      probeScope
}

// probes returns a probe for each verb and resource ("resource" or
// "resource/subresource") in the group.
func probes(scope probeScope, namespace, group string, verbs []string, resources ...string) []probe {
	var out []probe
	for _, r := range resources {
		res, sub, _ := strings.Cut(r, "/")
		for _, v := range verbs {
			a := Attributes{Verb: v, APIGroup: group, Resource: res, Subresource: sub, Namespace: namespace}
			out = append(out, probe{verb: v, what: resourceString(group, res, sub), attrs: a, scope: scope})
		}
	}
	return out
}

// riskCheck is a check of effective permissions: its probes, and the
// metadata of its findings.
type riskCheck struct {
	posture.Check
	probes []probe
}

// asksInNamespace reports whether a probe asks about one namespace
// (kube-system), where a RoleBinding is as bad as a ClusterRoleBinding.
func (c *riskCheck) asksInNamespace() bool {
	return slices.ContainsFunc(c.probes, func(p probe) bool { return p.scope == inNamespace })
}

// riskChecks are the risky permissions reported per subject, in ID order.
func riskChecks() []riskCheck {
	var kubeSystemWorkloads []probe
	kubeSystemWorkloads = append(kubeSystemWorkloads, probes(inNamespace, "kube-system", "", []string{"create"}, "pods", "replicationcontrollers")...)
	kubeSystemWorkloads = append(kubeSystemWorkloads, probes(inNamespace, "kube-system", "apps", []string{"create"}, "deployments", "daemonsets", "statefulsets", "replicasets")...)
	kubeSystemWorkloads = append(kubeSystemWorkloads, probes(inNamespace, "kube-system", "batch", []string{"create"}, "jobs", "cronjobs")...)

	var escalation []probe
	escalation = append(escalation, probes(clusterScope, "", rbacGroup, []string{"bind", "escalate"}, "clusterroles")...)
	escalation = append(escalation, probes(anyNamespace, "", rbacGroup, []string{"bind", "escalate"}, "roles")...)
	escalation = append(escalation, probes(clusterScope, "", "", []string{"impersonate"}, "users", "groups")...)
	escalation = append(escalation, probes(anyNamespace, "", "", []string{"impersonate"}, "serviceaccounts")...)
	escalation = append(escalation, probes(clusterScope, "", "authentication.k8s.io", []string{"impersonate"}, "uids")...)

	var deleteAtScale []probe
	collection := []string{"deletecollection"}
	deleteAtScale = append(deleteAtScale, probes(anyNamespace, "", "", collection, "pods", "secrets", "configmaps", "persistentvolumeclaims", "services")...)
	deleteAtScale = append(deleteAtScale, probes(anyNamespace, "", "apps", collection, "deployments", "statefulsets", "daemonsets", "replicasets")...)
	deleteAtScale = append(deleteAtScale, probes(anyNamespace, "", "batch", collection, "jobs", "cronjobs")...)
	deleteAtScale = append(deleteAtScale, probes(clusterScope, "", "", []string{"delete", "deletecollection"}, "namespaces", "persistentvolumes")...)
	deleteAtScale = append(deleteAtScale,
		probe{verb: "delete", what: "* (every core resource)", attrs: Attributes{Verb: "delete", Resource: anyResource}, scope: anyNamespace},
		probe{verb: "delete", what: "*.* (every resource of every group)", attrs: Attributes{Verb: "delete", APIGroup: anyGroup, Resource: anyResource}, scope: anyNamespace},
	)

	return []riskCheck{
		{Check: posture.Check{
			ID: "rbac-subject-cluster-admin", Title: "Subject has full control of the cluster",
			Severity: posture.SeverityCritical, Techniques: []string{"MS-TA9019"},
			Description: "Flags subjects allowed every verb on every resource of every API group cluster-wide " +
				"(cluster-admin or an equivalent role), whoever binds them. Full control implies every other " +
				"RBAC risk, which is not repeated for these subjects.",
			Remediation: "Bind cluster-admin only to a break-glass group, and give people and workloads roles limited to what they use.",
		}, probes: []probe{{verb: "*", what: "*.* (every verb on every resource)", attrs: Attributes{Verb: anyVerb, APIGroup: anyGroup, Resource: anyResource}, scope: clusterScope}}},
		{Check: posture.Check{
			ID: "rbac-subject-coredns-write", Title: "Subject can change the CoreDNS configuration",
			Severity: posture.SeverityHigh, Techniques: []string{"MS-TA9035"},
			Description: "Flags subjects allowed to update or patch the coredns ConfigMap in kube-system. " +
				"Whoever edits it can redirect cluster DNS names to their own endpoints.",
			Remediation: "Remove ConfigMap write access in kube-system, or restrict it with resourceNames that do not include coredns.",
		}, probes: func() []probe {
			ps := probes(inNamespace, "kube-system", "", []string{"update", "patch"}, "configmaps")
			for i := range ps {
				ps[i].attrs.Name = "coredns"
				ps[i].what += " named coredns"
			}
			return ps
		}()},
		{Check: posture.Check{
			ID: "rbac-subject-delete-at-scale", Title: "Subject can delete at scale",
			Severity: posture.SeverityHigh, Techniques: []string{"MS-TA9038"},
			Description: "Flags subjects allowed deletecollection on workloads and data, delete on namespaces or " +
				"PersistentVolumes, or delete on every resource (a \"*\" resource rule): one request destroys a namespace's applications or data.",
			Remediation: "Grant delete on named resources only to the controllers that need it; reserve deletecollection and namespace deletion for administrators.",
		}, probes: deleteAtScale},
		{Check: posture.Check{
			ID: "rbac-subject-events-delete", Title: "Subject can delete events",
			Severity: posture.SeverityMedium, Techniques: []string{"MS-TA9022"},
			Description: "Flags subjects allowed to delete Kubernetes events (core or events.k8s.io), which hides an attacker's traces.",
			Remediation: "Remove delete and deletecollection on events from the subject's roles; only the control plane needs them.",
		}, probes: append(probes(anyNamespace, "", "", []string{"delete", "deletecollection"}, "events"),
			probes(anyNamespace, "", "events.k8s.io", []string{"delete", "deletecollection"}, "events")...)},
		{Check: posture.Check{
			ID: "rbac-subject-kube-system-workloads", Title: "Subject can create workloads in kube-system",
			Severity: posture.SeverityCritical, Techniques: []string{"MS-TA9008"},
			Description: "Flags subjects allowed to create pods or pod-creating workloads in kube-system, where a new " +
				"container can mount the control plane's service-account tokens and run on any node.",
			Remediation: "Allow workload creation in kube-system only to cluster administrators and the controllers that manage it.",
		}, probes: kubeSystemWorkloads},
		{Check: posture.Check{
			ID: "rbac-subject-nodes-proxy", Title: "Subject can reach the kubelet API through nodes/proxy",
			Severity: posture.SeverityHigh, Techniques: []string{"MS-TA9030"},
			Description: "Flags subjects allowed get or create on nodes/proxy, which reaches every kubelet's API " +
				"(exec into any pod on the node) through the API server.",
			Remediation: "Remove nodes/proxy from the subject's roles; monitoring needs nodes/metrics or nodes/stats, not nodes/proxy.",
		}, probes: probes(clusterScope, "", "", []string{"get", "create"}, "nodes/proxy")},
		{Check: posture.Check{
			ID: "rbac-subject-pod-exec", Title: "Subject can exec into or attach to containers",
			Severity: posture.SeverityHigh, Techniques: []string{"MS-TA9006"},
			Description: "Flags subjects allowed create on pods/exec or pods/attach: a shell in every container in scope, with its service-account token and secrets.",
			Remediation: "Grant pods/exec and pods/attach only for debugging, time-limited and to people, not to workloads.",
		}, probes: probes(anyNamespace, "", "", []string{"create"}, "pods/exec", "pods/attach")},
		{Check: posture.Check{
			ID: "rbac-subject-rbac-escalation", Title: "Subject can escalate through RBAC or impersonation",
			Severity: posture.SeverityCritical, Techniques: []string{"MS-TA9019"},
			Description: "Flags subjects allowed bind or escalate on roles or clusterroles, or impersonate users, " +
				"groups, service accounts or UIDs: each lets them grant themselves, or act with, rights they do not hold.",
			Remediation: "Remove bind, escalate and impersonate from the subject's roles; keep them for cluster administrators.",
		}, probes: escalation},
		{Check: posture.Check{
			ID: "rbac-subject-secrets-read", Title: "Subject can read secrets",
			Severity: posture.SeverityHigh, Techniques: []string{"MS-TA9025"},
			Description: "Flags subjects allowed get, list or watch on all secrets in a namespace or cluster-wide " +
				"(grants limited to named secrets are passed over), including other service accounts' tokens.",
			Remediation: "Drop secrets from the subject's roles, or grant get only with resourceNames listing the secrets needed.",
		}, probes: probes(anyNamespace, "", "", []string{"get", "list", "watch"}, "secrets")},
		{Check: posture.Check{
			ID: "rbac-subject-webhook-config-write", Title: "Subject can register admission webhooks",
			Severity: posture.SeverityHigh, Techniques: []string{"MS-TA9015"},
			Description: "Flags subjects allowed to create, update or patch mutating or validating webhook " +
				"configurations: a malicious admission controller sees, and can change, every object written.",
			Remediation: "Allow webhook configuration changes only to cluster administrators and the operators that own them.",
		}, probes: probes(clusterScope, "", "admissionregistration.k8s.io", []string{"create", "update", "patch"},
			"mutatingwebhookconfigurations", "validatingwebhookconfigurations")},
	}
}

// Risk is one risky permission of one subject.
type Risk struct {
	// Check is the ID of the risk check.
	Check string `json:"check"`
	// Title is the check's title.
	Title string `json:"title"`
	// Severity is the check's severity, one level lower when the subject
	// holds the permissions only through RoleBindings, in some namespaces
	// (except for checks about kube-system).
	Severity posture.Severity `json:"-"`
	// Techniques are the check's Threat Matrix techniques.
	Techniques []string `json:"techniques"`
	// Subject is the binding subject that holds the permission.
	Subject rbacv1.Subject `json:"subject"`
	// Permissions say what the subject may do and where, for example
	// "create pods/exec cluster-wide".
	Permissions []string `json:"permissions"`
	// Grants are the routes to the permissions.
	Grants []Grant `json:"grants"`
}

// MarshalJSON adds the severity by name.
func (r Risk) MarshalJSON() ([]byte, error) {
	type plain Risk
	return json.Marshal(struct {
		plain
		Severity string `json:"severity"`
	}{plain(r), r.Severity.String()})
}

// RiskOptions configure Risks.
type RiskOptions struct {
	// IncludeDefaults also reports grants through the API server's
	// unchanged default bindings to system identities (see the package
	// comment).
	IncludeDefaults bool
}

// broadSubjects are groups and users that stand for many identities;
// grants to them are always reported, even through default bindings.
func broadSubject(s rbacv1.Subject) bool {
	switch s.Kind {
	case rbacv1.GroupKind:
		return s.Name == user.AllAuthenticated || s.Name == user.AllUnauthenticated ||
			s.Name == "system:serviceaccounts" || strings.HasPrefix(s.Name, "system:serviceaccounts:")
	case rbacv1.UserKind:
		return s.Name == user.Anonymous
	}
	return false
}

// Risks returns the risky permissions of every binding subject, one Risk
// per subject and check, sorted by severity (worst first), check and
// subject.
func (s *Snapshot) Risks(opts RiskOptions) []Risk {
	var out []Risk
	// Subjects with full control: their other risks are implied.
	fullControl := map[rbacv1.Subject]bool{}
	for _, c := range riskChecks() {
		bySubject := map[rbacv1.Subject]*Risk{}
		perms := map[rbacv1.Subject][]permission{}
		var order []rbacv1.Subject
		for _, p := range c.probes {
			var grants []Grant
			switch p.scope {
			case anyNamespace:
				grants = s.WhoCanInAnyNamespace(p.attrs)
			case clusterScope:
				a := p.attrs
				a.Namespace = ""
				grants = s.WhoCan(a)
			case inNamespace:
				grants = s.WhoCan(p.attrs)
			}
			where := map[rbacv1.Subject][]string{}
			for _, g := range grants {
				if g.Default && !opts.IncludeDefaults && !broadSubject(g.Subject) {
					continue
				}
				key := g.Subject
				key.APIGroup = ""
				r := bySubject[key]
				if r == nil {
					r = &Risk{Check: c.ID, Title: c.Title, Severity: c.Severity, Techniques: c.Techniques, Subject: g.Subject}
					bySubject[key] = r
					order = append(order, key)
				}
				if !slices.ContainsFunc(r.Grants, func(x Grant) bool { return x.Binding == g.Binding && x.Subject == g.Subject }) {
					r.Grants = append(r.Grants, g)
				}
				if !slices.Contains(where[key], g.Namespace) {
					where[key] = append(where[key], g.Namespace)
				}
			}
			for key, nss := range where {
				perms[key] = append(perms[key], permission{verb: p.verb, what: p.what, scope: scopeText(p, nss)})
			}
		}
		for _, key := range order {
			r := bySubject[key]
			if c.ID != clusterAdminCheck && fullControl[key] {
				continue
			}
			if c.ID == clusterAdminCheck {
				fullControl[key] = true
			}
			r.Permissions = compact(perms[key])
			if !c.asksInNamespace() && !anyClusterWide(r.Grants) && r.Severity > posture.SeverityLow {
				r.Severity--
			}
			out = append(out, *r)
		}
	}
	slices.SortStableFunc(out, func(a, b Risk) int {
		if a.Severity != b.Severity {
			return int(b.Severity - a.Severity)
		}
		return cmp.Or(strings.Compare(a.Check, b.Check), strings.Compare(a.Subject.Kind, b.Subject.Kind),
			strings.Compare(a.Subject.Namespace, b.Subject.Namespace), strings.Compare(a.Subject.Name, b.Subject.Name))
	})
	return out
}

// clusterAdminCheck is the ID of the full-control check, which comes
// first in riskChecks.
const clusterAdminCheck = "rbac-subject-cluster-admin"

// permission is one probe a subject passed, and where.
type permission struct{ verb, what, scope string }

// compact renders permissions, joining the verbs of the same resource
// and scope: "get,list secrets cluster-wide".
func compact(ps []permission) []string {
	var out []string
	var keys []permission
	verbs := map[permission][]string{}
	for _, p := range ps {
		k := permission{what: p.what, scope: p.scope}
		if _, ok := verbs[k]; !ok {
			keys = append(keys, k)
		}
		verbs[k] = append(verbs[k], p.verb)
	}
	for _, k := range keys {
		out = append(out, strings.Join(verbs[k], ",")+" "+k.what+" "+k.scope)
	}
	return out
}

func anyClusterWide(gs []Grant) bool {
	return slices.ContainsFunc(gs, func(g Grant) bool { return g.Namespace == "" })
}

// scopeText says where a probe is allowed, given the namespaces of its
// grants ("" for a ClusterRoleBinding).
func scopeText(p probe, namespaces []string) string {
	switch p.scope {
	case clusterScope:
		return "cluster-wide"
	case inNamespace:
		return "in namespace " + p.attrs.Namespace
	}
	if slices.Contains(namespaces, "") {
		return "cluster-wide"
	}
	slices.Sort(namespaces)
	if len(namespaces) == 1 {
		return "in namespace " + namespaces[0]
	}
	return "in namespaces " + strings.Join(namespaces, ", ")
}
