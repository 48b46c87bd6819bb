package rbac

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// seedEnv reruns TestSnapshot_AgreesWithSubjectAccessReview with a seed.
const seedEnv = "LANDFALL_RBAC_SEED"

// Sizes of the comparison: rounds of random configurations, each with
// its own namespaces, and the (identity, request) triples asked per round.
const (
	sarRounds        = 4
	sarTriplesPerRun = 2500
	sarWorkers       = 8
)

// TestSnapshot_AgreesWithSubjectAccessReview generates random RBAC
// configurations on the real API server (ClusterRoles and Roles with
// random verbs, groups, resources, subresources, resourceNames, wildcards
// and non-resource URLs; aggregated ClusterRoles, one aggregating another;
// bindings to users, groups and service accounts, some to default or
// missing roles), waits for the aggregation controller and for the
// authorizer to see everything, loads a Snapshot of the whole cluster
// (bootstrap roles and bindings included) and asks both the Snapshot and
// SubjectAccessReview about random (identity, request, namespace)
// triples. They must never disagree.
func TestSnapshot_AgreesWithSubjectAccessReview(t *testing.T) {
	cfg := env.AdminConfig(t)
	cfg.QPS, cfg.Burst = 500, 1000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(seedEnv); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s: %v", seedEnv, err)
		}
	}
	t.Logf("seed %d (rerun with %s=%d)", seed, seedEnv, seed)
	r := mrand.New(mrand.NewPCG(seed, 1))

	var total, allowed, disagreements atomic.Int64
	for round := range sarRounds {
		namespaces := []string{env.Namespace(t), env.Namespace(t), env.Namespace(t)}
		sp := newGenSpace(fmt.Sprintf("lf%s-r%d", randomHex(), round), namespaces)
		objs := sp.generate(r)
		createAll(t, cs, objs)
		waitForAggregation(t, cs)
		waitForAuthorizer(t, cs, sp)

		snap, err := Load(t.Context(), cs, LoadOptions{PageSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		if d := snap.AggregationDrift(); len(d) > 0 {
			t.Fatalf("seed %d round %d: aggregation drift after waiting: %v", seed, round, d)
		}
		ids := append(sp.identities(r), controlPlaneIdentities()...)
		type triple struct {
			u User
			a Attributes
		}
		triples := make(chan triple)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for range sarWorkers {
			wg.Go(func() {
				for tr := range triples {
					want, err := subjectAccessReview(t.Context(), cs, tr.u, tr.a)
					if err != nil {
						mu.Lock()
						failures = append(failures, err.Error())
						mu.Unlock()
						continue
					}
					got, grants := snap.Allowed(tr.u, tr.a)
					total.Add(1)
					if want {
						allowed.Add(1)
					}
					if got != want {
						disagreements.Add(1)
						mu.Lock()
						failures = append(failures, fmt.Sprintf("round %d: %v %s: SubjectAccessReview %v, Snapshot %v %v", round, tr.u, tr.a, want, got, grants))
						mu.Unlock()
					}
				}
			})
		}
		for range sarTriplesPerRun {
			triples <- triple{pick(r, ids), sp.attributes(r, objs)}
		}
		close(triples)
		wg.Wait()
		if len(failures) > 0 {
			if len(failures) > 20 {
				failures = failures[:20]
			}
			t.Fatalf("seed %d (rerun with %s=%d): %d disagreements or errors, first:\n%s", seed, seedEnv, seed, len(failures), joinLines(failures))
		}
	}
	t.Logf("compared %d (subject, request, namespace) triples with SubjectAccessReview: %d allowed, %d denied, %d disagreements",
		total.Load(), allowed.Load(), total.Load()-allowed.Load(), disagreements.Load())
	if allowed.Load() < total.Load()/10 {
		t.Fatalf("only %d of %d triples allowed: the sample does not exercise grants", allowed.Load(), total.Load())
	}
}

// controlPlaneIdentities exercise the API server's bootstrap policy.
func controlPlaneIdentities() []User {
	return []User{
		{Name: "system:kube-scheduler", Groups: []string{"system:authenticated"}},
		{Name: "system:kube-controller-manager", Groups: []string{"system:authenticated"}},
		UserFor(saSubject("kube-system", "replicaset-controller")),
		UserFor(saSubject("kube-system", "namespace-controller")),
		UserFor(saSubject("kube-system", "clusterrole-aggregation-controller")),
		{Name: "platform-admin", Groups: []string{"landfall:platform-admins", "system:authenticated"}},
		{Name: "someone", Groups: []string{"system:masters"}},
	}
}

func subjectAccessReview(ctx context.Context, cs kubernetes.Interface, u User, a Attributes) (bool, error) {
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: u.Name, Groups: u.Groups}}
	if a.IsResourceRequest() {
		sar.Spec.ResourceAttributes = &authorizationv1.ResourceAttributes{
			Namespace: a.Namespace, Verb: a.Verb, Group: a.APIGroup, Resource: a.Resource, Subresource: a.Subresource, Name: a.Name,
		}
	} else {
		sar.Spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Verb: a.Verb, Path: a.Path}
	}
	res, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
	if err != nil {
		return false, fmt.Errorf("SubjectAccessReview for %v %s: %w", u, a, err)
	}
	if res.Status.EvaluationError != "" {
		return false, fmt.Errorf("SubjectAccessReview for %v %s: evaluation error %s", u, a, res.Status.EvaluationError)
	}
	return res.Status.Allowed, nil
}

// createAll creates the objects and deletes the cluster-scoped ones when
// the test ends (namespaced ones go with their namespace).
func createAll(t *testing.T, cs kubernetes.Interface, objs []runtime.Object) {
	t.Helper()
	ctx := t.Context()
	rbac := cs.RbacV1()
	for _, o := range objs {
		var err error
		switch o := o.(type) {
		case *rbacv1.ClusterRole:
			_, err = rbac.ClusterRoles().Create(ctx, o, metav1.CreateOptions{})
			t.Cleanup(func() { _ = rbac.ClusterRoles().Delete(context.Background(), o.Name, metav1.DeleteOptions{}) })
		case *rbacv1.ClusterRoleBinding:
			_, err = rbac.ClusterRoleBindings().Create(ctx, o, metav1.CreateOptions{})
			t.Cleanup(func() { _ = rbac.ClusterRoleBindings().Delete(context.Background(), o.Name, metav1.DeleteOptions{}) })
		case *rbacv1.Role:
			_, err = rbac.Roles(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		case *rbacv1.RoleBinding:
			_, err = rbac.RoleBindings(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		}
		if err != nil {
			t.Fatalf("creating %T: %v", o, err)
		}
	}
}

// waitForAggregation waits until the clusterrole-aggregation controller
// has written every aggregated ClusterRole's rules.
func waitForAggregation(t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	var drift []string
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		snap, err := Load(ctx, cs, LoadOptions{})
		if err != nil {
			return false, err
		}
		drift = snap.AggregationDrift()
		return len(drift) == 0, nil
	})
	if err != nil {
		t.Fatalf("aggregated ClusterRoles not settled (%v): %v", drift, err)
	}
}

// waitForAuthorizer creates a sentinel of each RBAC kind after everything
// else and waits until SubjectAccessReview allows through both: the
// authorizer's informers deliver each kind in order, so it has then seen
// every earlier object.
func waitForAuthorizer(t *testing.T, cs kubernetes.Interface, sp genSpace) {
	t.Helper()
	name := sp.prefix + "-sentinel"
	ns := sp.namespaces[0]
	sentinel := rule("get", "sentinel.landfall.invalid", "sentinels")
	createAll(t, cs, []runtime.Object{
		clusterRole(name, sentinel),
		crb(name, name, userSubject(name)),
		nsRole(ns, name, sentinel),
		rb(ns, name, "Role", name, userSubject(name+"-ns")),
	})
	u := User{Name: name}
	a := Attributes{Verb: "get", APIGroup: "sentinel.landfall.invalid", Resource: "sentinels", Namespace: ns}
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		cluster, err := subjectAccessReview(ctx, cs, u, a)
		if err != nil {
			return false, err
		}
		namespaced, err := subjectAccessReview(ctx, cs, User{Name: name + "-ns"}, a)
		return cluster && namespaced, err
	})
	if err != nil {
		t.Fatalf("the authorizer did not see the sentinel bindings: %v", err)
	}
}

func randomHex() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func joinLines(lines []string) string {
	s := ""
	for _, l := range lines {
		s += "  " + l + "\n"
	}
	return s
}
