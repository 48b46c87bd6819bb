package rbac

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
)

// grantKey identifies a grant for set comparisons.
func grantKey(g Grant) string {
	return fmt.Sprintf("%s|%s|%s/%s/%s|%s", g.Binding, g.Role, g.Subject.Kind, g.Subject.Namespace, g.Subject.Name, g.Namespace)
}

func grantKeys(gs []Grant) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, grantKey(g))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestSnapshot_MatchesReference holds the indexed Snapshot to the literal
// transcription of the authorizer on random configurations: Allowed,
// WhoCan, WhoCanInAnyNamespace and List must agree with it for every
// identity and many requests, and Allowed with WhoCan.
func TestSnapshot_MatchesReference(t *testing.T) {
	t.Parallel()
	compared := 0
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 7))
		sp := newGenSpace("p", []string{"ns1", "ns2", "ns3"})
		objs := sp.generate(r)
		snap, err := New(Options{}, objs...)
		if err != nil {
			t.Fatal(err)
		}
		ref := newReference(objs)
		ids := sp.identities(r)
		for range 150 {
			a := sp.attributes(r, objs)
			who := snap.WhoCan(a)
			if got, want := grantKeys(who), grantKeys(ref.whoCan(a, false)); !slices.Equal(got, want) {
				t.Fatalf("seed %d: WhoCan(%s):\n got %v\nwant %v", seed, a, got, want)
			}
			if a.IsResourceRequest() {
				if got, want := grantKeys(snap.WhoCanInAnyNamespace(a)), grantKeys(ref.whoCan(a, true)); !slices.Equal(got, want) {
					t.Fatalf("seed %d: WhoCanInAnyNamespace(%s):\n got %v\nwant %v", seed, a, got, want)
				}
			}
			for _, u := range ids {
				compared++
				ok, grants := snap.Allowed(u, a)
				if want := ref.allowed(u, a); ok != want {
					t.Fatalf("seed %d: Allowed(%v, %s) = %v, reference %v", seed, u, a, ok, want)
				}
				for _, g := range grants {
					if !RuleAllows(a, &g.Rule) || !appliesTo(u, &g.Subject, g.Namespace) {
						t.Fatalf("seed %d: Allowed(%v, %s) returned a grant that does not allow it: %+v", seed, u, a, g)
					}
				}
				viaWho := slices.ContainsFunc(who, func(g Grant) bool { return appliesTo(u, &g.Subject, g.Namespace) })
				if viaWho != ok {
					t.Fatalf("seed %d: Allowed(%v, %s) = %v but WhoCan says %v", seed, u, a, ok, viaWho)
				}
			}
		}
		for _, u := range ids {
			for _, ns := range []string{"", "ns1", "ns2", "elsewhere"} {
				var want []string
				ref.visit(u, ns, func(b string, rule *rbacv1.PolicyRule) { want = append(want, b+" "+rule.String()) })
				var got []string
				for _, g := range snap.List(u, ns) {
					got = append(got, g.Binding.String()+" "+g.Rule.String())
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("seed %d: List(%v, %q):\n got %v\nwant %v", seed, u, ns, got, want)
				}
			}
		}
	}
	t.Logf("compared %d (identity, request) pairs with the reference", compared)
}

func TestSnapshot_Grants(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	snap, err := New(Options{},
		clusterRole("secret-reader", rule("get,list", "", "secrets")),
		clusterRole("pod-exec", rule("create", "", "pods/exec")),
		nsRole("team-a", "deployer", rule("create,update", "apps", "deployments")),
		crb("readers", "secret-reader", groupSubject("auditors"), userSubject("alice")),
		rb("team-a", "read-here", "ClusterRole", "secret-reader", saSubject("", "ci")),
		rb("team-a", "deploy", "Role", "deployer", userSubject("bob"), userSubject("bob")),
		rb("team-b", "deploy", "Role", "deployer", userSubject("carol")), // no Role deployer in team-b
		crb("sa-without-namespace", "pod-exec", saSubject("", "ci")),
	)
	g.Expect(err).NotTo(HaveOccurred())

	// A RoleBinding to a ClusterRole grants only in its namespace.
	ci := UserFor(saSubject("team-a", "ci"))
	ok, grants := snap.Allowed(ci, Attributes{Verb: "list", Resource: "secrets", Namespace: "team-a"})
	g.Expect(ok).To(BeTrue())
	g.Expect(grants).To(ConsistOf(Grant{
		Subject: saSubject("team-a", "ci"), Binding: Ref{"RoleBinding", "team-a", "read-here"},
		Role: Ref{"ClusterRole", "", "secret-reader"}, Namespace: "team-a", Rule: rule("get,list", "", "secrets"),
	}))
	ok, _ = snap.Allowed(ci, Attributes{Verb: "list", Resource: "secrets", Namespace: "team-b"})
	g.Expect(ok).To(BeFalse())
	ok, _ = snap.Allowed(ci, Attributes{Verb: "list", Resource: "secrets"})
	g.Expect(ok).To(BeFalse(), "a RoleBinding never grants cluster-wide")
	// A ServiceAccount subject without namespace in a ClusterRoleBinding matches nobody.
	ok, _ = snap.Allowed(ci, Attributes{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "team-a"})
	g.Expect(ok).To(BeFalse())
	// A binding to a missing Role grants nothing.
	ok, _ = snap.Allowed(UserFor(userSubject("carol")), Attributes{Verb: "create", APIGroup: "apps", Resource: "deployments", Namespace: "team-b"})
	g.Expect(ok).To(BeFalse())

	// who-can: the ClusterRoleBinding's subjects everywhere, the
	// RoleBinding's in its namespace; a subject named twice once.
	who := snap.WhoCan(Attributes{Verb: "get", Resource: "secrets", Namespace: "team-a"})
	g.Expect(grantKeys(who)).To(Equal([]string{
		"ClusterRoleBinding/readers|ClusterRole/secret-reader|Group//auditors|",
		"ClusterRoleBinding/readers|ClusterRole/secret-reader|User//alice|",
		"RoleBinding/team-a/read-here|ClusterRole/secret-reader|ServiceAccount/team-a/ci|team-a",
	}))
	g.Expect(snap.WhoCan(Attributes{Verb: "get", Resource: "secrets"})).To(HaveLen(2))
	g.Expect(snap.WhoCan(Attributes{Verb: "create", APIGroup: "apps", Resource: "deployments", Namespace: "team-a"})).To(HaveLen(1))
	g.Expect(snap.WhoCanInAnyNamespace(Attributes{Verb: "create", APIGroup: "apps", Resource: "deployments"})).To(HaveLen(1))
	g.Expect(snap.WhoCan(Attributes{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "team-a"})).To(BeEmpty())
	roles, bindings := snap.Counts()
	g.Expect([]int{roles, bindings}).To(Equal([]int{3, 5}))
}
