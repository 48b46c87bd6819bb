package rbac

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
)

// benchCorpus generates a cluster's worth of RBAC: 300 ClusterRoles, 100
// namespaces with 8 Roles each, 1,000 ClusterRoleBindings and 4,000
// RoleBindings (5,000 bindings) of 1 to 3 subjects each.
func benchCorpus() []runtime.Object {
	r := rand.New(rand.NewPCG(1, 2))
	sp := newGenSpace("bench", nil)
	for i := range 100 {
		sp.namespaces = append(sp.namespaces, fmt.Sprintf("team-%03d", i))
	}
	for i := range 200 {
		sp.users = append(sp.users, fmt.Sprintf("user-%d", i))
	}
	for i := range 30 {
		sp.groups = append(sp.groups, fmt.Sprintf("group-%d", i))
	}
	var objs []runtime.Object
	var clusterRoles []string
	for i := range 300 {
		cr := clusterRole(fmt.Sprintf("cr-%d", i), genRules(r, true)...)
		objs = append(objs, cr)
		clusterRoles = append(clusterRoles, cr.Name)
	}
	for i := range 1000 {
		objs = append(objs, crb(fmt.Sprintf("crb-%d", i), pick(r, clusterRoles), sp.subjects(r, "")...))
	}
	for _, ns := range sp.namespaces {
		var roles []string
		for i := range 8 {
			role := nsRole(ns, fmt.Sprintf("role-%d", i), genRules(r, false)...)
			objs = append(objs, role)
			roles = append(roles, role.Name)
		}
		for i := range 40 {
			kind, name := "Role", pick(r, roles)
			if i%3 == 0 {
				kind, name = "ClusterRole", pick(r, clusterRoles)
			}
			objs = append(objs, rb(ns, fmt.Sprintf("rb-%d", i), kind, name, sp.subjects(r, ns)...))
		}
	}
	return objs
}

// BenchmarkWhoCan answers `who-can list secrets --all-namespaces` and
// `who-can create pods/exec -n team-042` over 5,000 bindings: the baseline
// visits every binding and resolves its role, as the authorizer does for
// one user; the Snapshot evaluates each role once and follows its
// bindings. The indexed runs report their speed-up over the baseline of
// the same run (x-baseline).
func BenchmarkWhoCan(b *testing.B) {
	objs := benchCorpus()
	ref := newReference(objs)
	snap, err := New(Options{}, objs...)
	if err != nil {
		b.Fatal(err)
	}
	_, bindings := snap.Counts()
	if bindings != 5000 {
		b.Fatalf("corpus has %d bindings, want 5000", bindings)
	}
	queries := []struct {
		name  string
		attrs Attributes
		any   bool
	}{
		{"list-secrets-all-namespaces", Attributes{Verb: "list", Resource: "secrets"}, true},
		{"create-pods-exec-in-namespace", Attributes{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "team-042"}, false},
	}
	for _, q := range queries {
		var baseline time.Duration
		b.Run(q.name+"/baseline-visit-every-binding", func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = len(ref.whoCan(q.attrs, q.any))
			}
			baseline = b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(n), "grants")
		})
		b.Run(q.name+"/indexed", func(b *testing.B) {
			n := 0
			for b.Loop() {
				if q.any {
					n = len(snap.WhoCanInAnyNamespace(q.attrs))
				} else {
					n = len(snap.WhoCan(q.attrs))
				}
			}
			b.ReportMetric(float64(n), "grants")
			if per := b.Elapsed() / time.Duration(b.N); per > 0 && baseline > 0 {
				b.ReportMetric(float64(baseline)/float64(per), "x-baseline")
			}
		})
	}
	b.Run("build-snapshot", func(b *testing.B) {
		for b.Loop() {
			if _, err := New(Options{}, objs...); err != nil {
				b.Fatal(err)
			}
		}
	})
}
