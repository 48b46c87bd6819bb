package rbac

import (
	"encoding/json"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

func bootstrap[T interface{ SetLabels(map[string]string) }](o T) T {
	o.SetLabels(map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"})
	return o
}

// riskFixture is a cluster with one subject per risk, some near misses,
// and default bindings.
func riskFixture() []runtime.Object {
	return []runtime.Object{
		clusterRole("everything", rule("*", "*", "*"), urls("*", "*")),
		clusterRole("exec", rule("create", "", "pods/exec")),
		clusterRole("secrets", rule("get,list", "", "secrets")),
		clusterRole("named-secret", rule("get", "", "secrets", "app-config")),
		clusterRole("deployer", rule("create", "apps", "deployments")),
		clusterRole("webhooks", rule("patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations")),
		clusterRole("coredns-editor", rule("update", "", "configmaps", "coredns")),
		clusterRole("node-proxy", rule("get", "", "nodes/proxy")),
		clusterRole("event-cleaner", rule("delete", "", "events")),
		clusterRole("pod-reaper", rule("deletecollection", "", "pods")),
		clusterRole("impersonator", rule("impersonate", "", "users")),
		clusterRole("status-writer", rule("update", "*", "*/status")),

		crb("alice-exec", "exec", userSubject("alice")),
		rb("team-a", "bob-secrets", "ClusterRole", "secrets", userSubject("bob")),
		crb("carol-named", "named-secret", userSubject("carol")),
		rb("kube-system", "dave-deploys", "ClusterRole", "deployer", userSubject("dave")),
		crb("eve-everything", "everything", userSubject("eve")),
		crb("webhookers", "webhooks", groupSubject("webhookers")),
		rb("kube-system", "ci-coredns", "ClusterRole", "coredns-editor", saSubject("ci", "ci")),
		rb("team-a", "ci-coredns", "ClusterRole", "coredns-editor", saSubject("ci", "ci")),
		crb("frank-proxy", "node-proxy", userSubject("frank")),
		rb("team-a", "gina-events", "ClusterRole", "event-cleaner", userSubject("gina")),
		crb("harry-reaper", "pod-reaper", userSubject("harry")),
		crb("ivan-impersonates", "impersonator", userSubject("ivan")),
		crb("status", "status-writer", userSubject("jane")),

		// Defaults: a control-plane user's is left out, the broad group's
		// and a hand-added subject's are not.
		bootstrap(crb("system:controller:x", "secrets", userSubject("system:kube-controller-manager"), saSubject("kube-system", "x"))),
		bootstrap(crb("system:discovery", "exec", groupSubject("system:authenticated"))),
		bootstrap(crb("system:y", "node-proxy", userSubject("system:kube-scheduler"), userSubject("mallory"))),
	}
}

type riskRow struct {
	Check, Subject, Severity, Permissions string
}

func rows(risks []Risk) []riskRow {
	var out []riskRow
	for _, r := range risks {
		out = append(out, riskRow{r.Check, SubjectString(r.Subject), r.Severity.String(), strings.Join(r.Permissions, "; ")})
	}
	return out
}

func TestRisks(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	snap, err := New(Options{}, riskFixture()...)
	g.Expect(err).NotTo(HaveOccurred())
	var eve []string
	var others []riskRow
	for _, r := range rows(snap.Risks(RiskOptions{})) {
		if r.Subject == "User eve" {
			eve = append(eve, r.Check)
			continue
		}
		others = append(others, r)
	}
	// Full control implies the other checks, which are not repeated.
	g.Expect(eve).To(Equal([]string{"rbac-subject-cluster-admin"}))
	g.Expect(others).To(Equal([]riskRow{
		{"rbac-subject-kube-system-workloads", "User dave", "critical", "create deployments.apps in namespace kube-system"},
		{"rbac-subject-rbac-escalation", "User ivan", "critical", "impersonate users cluster-wide"},
		{"rbac-subject-coredns-write", "ServiceAccount ci/ci", "high", "update configmaps named coredns in namespace kube-system"},
		{"rbac-subject-delete-at-scale", "User harry", "high", "deletecollection pods cluster-wide"},
		{"rbac-subject-nodes-proxy", "User frank", "high", "get nodes/proxy cluster-wide"},
		{"rbac-subject-nodes-proxy", "User mallory", "high", "get nodes/proxy cluster-wide"},
		// The hand-added subject makes the whole binding count.
		{"rbac-subject-nodes-proxy", "User system:kube-scheduler", "high", "get nodes/proxy cluster-wide"},
		{"rbac-subject-pod-exec", "Group system:authenticated", "high", "create pods/exec cluster-wide"},
		{"rbac-subject-pod-exec", "User alice", "high", "create pods/exec cluster-wide"},
		{"rbac-subject-webhook-config-write", "Group webhookers", "high", "patch validatingwebhookconfigurations.admissionregistration.k8s.io cluster-wide"},
		{"rbac-subject-secrets-read", "User bob", "medium", "get,list secrets in namespace team-a"},
		{"rbac-subject-events-delete", "User gina", "low", "delete events in namespace team-a"},
	}))

	withDefaults := rows(snap.Risks(RiskOptions{IncludeDefaults: true}))
	g.Expect(withDefaults).To(ContainElement(riskRow{"rbac-subject-secrets-read", "User system:kube-controller-manager", "high", "get,list secrets cluster-wide"}))
	g.Expect(withDefaults).To(ContainElement(riskRow{"rbac-subject-secrets-read", "ServiceAccount kube-system/x", "high", "get,list secrets cluster-wide"}))

	// Grants say through which binding and role.
	for _, r := range snap.Risks(RiskOptions{}) {
		if r.Subject.Name == "bob" {
			g.Expect(r.Grants).To(HaveLen(1))
			g.Expect(r.Grants[0].Binding).To(Equal(Ref{"RoleBinding", "team-a", "bob-secrets"}))
			g.Expect(r.Grants[0].Role).To(Equal(Ref{"ClusterRole", "", "secrets"}))
			f := r.Finding(posture.Source{Cluster: "dev"})
			g.Expect(f.CheckID).To(Equal("rbac-subject-secrets-read"))
			g.Expect(f.Object).To(Equal(posture.ObjectRef{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "User", Name: "bob"}))
			g.Expect(f.Message).To(Equal("User bob can get,list secrets in namespace team-a, through RoleBinding/team-a/bob-secrets -> ClusterRole/secrets"))
			g.Expect(f.Severity).To(Equal(posture.SeverityMedium))
			g.Expect(f.Remediation).NotTo(BeEmpty())
			data, err := json.Marshal(r)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(string(data)).To(ContainSubstring(`"severity":"medium"`))
		}
	}
}

func TestChecksMetadata(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	seen := map[string]bool{}
	for _, c := range Checks() {
		g.Expect(seen[c.ID]).To(BeFalse(), "duplicate %s", c.ID)
		seen[c.ID] = true
		g.Expect(c.ID).To(MatchRegexp(`^rbac-[a-z0-9-]+$`))
		g.Expect(c.Title).NotTo(BeEmpty())
		g.Expect(c.Description).NotTo(BeEmpty())
		g.Expect(c.Remediation).To(HaveSuffix("."))
		g.Expect(c.Severity).To(BeNumerically(">=", posture.SeverityLow))
		g.Expect(c.Techniques).NotTo(BeEmpty())
		for _, id := range c.Techniques {
			tech, ok := threatmatrix.TechniqueByID(id)
			g.Expect(ok).To(BeTrue(), "%s: unknown technique %s", c.ID, id)
			g.Expect(tech.Active()).To(BeTrue())
		}
	}
	g.Expect(seen).To(HaveLen(11))
	// Risks relies on full control being checked first.
	g.Expect(riskChecks()[0].ID).To(Equal(clusterAdminCheck))
	// The brief's technique for each risk.
	want := map[string]string{
		"rbac-subject-pod-exec": "MS-TA9006", "rbac-subject-secrets-read": "MS-TA9025",
		"rbac-subject-kube-system-workloads": "MS-TA9008", "rbac-subject-rbac-escalation": "MS-TA9019",
		"rbac-subject-webhook-config-write": "MS-TA9015", "rbac-subject-events-delete": "MS-TA9022",
		"rbac-subject-coredns-write": "MS-TA9035", "rbac-subject-nodes-proxy": "MS-TA9030",
		"rbac-subject-delete-at-scale": "MS-TA9038", "rbac-subject-cluster-admin": "MS-TA9019",
	}
	for _, c := range Checks() {
		if w, ok := want[c.ID]; ok {
			g.Expect(c.Techniques).To(ContainElement(w), c.ID)
		}
	}
}
