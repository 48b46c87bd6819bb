package controller

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// deployer is the ServiceAccount the test environments impersonate.
const deployer = "deployer"

// newNamespace creates a namespace with a random name and labels, deletes
// it when the test ends, and waits for its default ServiceAccount.
func newNamespace(t *testing.T, prefix string, labels map[string]string) string {
	t.Helper()
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-" + rand.String(5), Labels: labels}}
	if err := suite.client.Create(ctx, ns); err != nil {
		t.Fatalf("creating namespace: %v", err)
	}
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), ns) })
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		return suite.client.Get(ctx, client.ObjectKey{Namespace: ns.Name, Name: "default"}, &corev1.ServiceAccount{}) == nil, nil
	})
	if err != nil {
		t.Fatalf("namespace %s has no default service account: %v", ns.Name, err)
	}
	return ns.Name
}

// grantAdmin lets the ServiceAccount saNS/sa administer each namespace
// (the built-in admin role), as a platform admin or a tenant would.
func grantAdmin(t *testing.T, saNS, sa string, namespaces ...string) {
	t.Helper()
	ctx := context.Background()
	if sa != "default" {
		err := suite.client.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: saNS, Name: sa}})
		if client.IgnoreAlreadyExists(err) != nil {
			t.Fatalf("creating service account: %v", err)
		}
	}
	for _, ns := range namespaces {
		rb := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "deploy-" + saNS + "-" + sa},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "admin"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: saNS, Name: sa}},
		}
		if err := suite.client.Create(ctx, rb); err != nil {
			t.Fatalf("binding %s/%s in %s: %v", saNS, sa, ns, err)
		}
	}
}

// environment builds an Environment that syncs path of the repository
// at url every second, as the deployer ServiceAccount.
func environment(ns, name, url, path string, mods ...func(*landfallv1alpha1.Environment)) *landfallv1alpha1.Environment {
	e := &landfallv1alpha1.Environment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: landfallv1alpha1.EnvironmentSpec{
			Source:             landfallv1alpha1.GitSource{URL: url, Path: path},
			ServiceAccountName: deployer,
			Interval:           &metav1.Duration{Duration: time.Second},
			HealthTimeout:      &metav1.Duration{Duration: time.Minute},
		},
	}
	for _, m := range mods {
		m(e)
	}
	return e
}

// selfHealing sets spec.selfHeal.
func selfHealing(e *landfallv1alpha1.Environment) { e.Spec.SelfHeal = true }

// asServiceAccount sets spec.serviceAccountName ("" leaves it unset).
func asServiceAccount(sa string) func(*landfallv1alpha1.Environment) {
	return func(e *landfallv1alpha1.Environment) { e.Spec.ServiceAccountName = sa }
}

// requireApproval sets spec.promotion.requireApproval.
func requireApproval(e *landfallv1alpha1.Environment) { e.Spec.Promotion.RequireApproval = true }

// createEnv creates the Environment and deletes it when the test ends.
func createEnv(t *testing.T, e *landfallv1alpha1.Environment) *landfallv1alpha1.Environment {
	t.Helper()
	if err := suite.client.Create(context.Background(), e); err != nil {
		t.Fatalf("creating environment: %v", err)
	}
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), e) })
	return e
}

// getEnv reads an Environment.
func getEnv(g Gomega, ns, name string) *landfallv1alpha1.Environment {
	e := &landfallv1alpha1.Environment{}
	g.Expect(suite.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, e)).To(Succeed())
	return e
}

// envReady returns the Ready condition of an environment, or an empty one.
func envReady(e *landfallv1alpha1.Environment) metav1.Condition {
	if c := meta.FindStatusCondition(e.Status.Conditions, landfallv1alpha1.ReadyCondition); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// waitApplied waits until the environment is Ready at revision and
// returns it.
func waitApplied(t *testing.T, ns, name, revision string) *landfallv1alpha1.Environment {
	t.Helper()
	var e *landfallv1alpha1.Environment
	NewWithT(t).Eventually(func(g Gomega) {
		e = getEnv(g, ns, name)
		r := envReady(e)
		g.Expect(e.Status.LastAppliedRevision).To(Equal(revision), "ready: %s %s: %s", r.Status, r.Reason, r.Message)
		g.Expect(r.Status).To(Equal(metav1.ConditionTrue), "%s: %s", r.Reason, r.Message)
		g.Expect(e.Status.ObservedGeneration).To(Equal(e.Generation))
	}).WithTimeout(90 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	return e
}

// waitReason waits until the environment's Ready condition has reason,
// for the revision as last attempted, and returns it.
func waitReason(t *testing.T, ns, name, revision, reason string) *landfallv1alpha1.Environment {
	t.Helper()
	var e *landfallv1alpha1.Environment
	NewWithT(t).Eventually(func(g Gomega) {
		e = getEnv(g, ns, name)
		r := envReady(e)
		g.Expect(e.Status.LastAttemptedRevision).To(Equal(revision))
		g.Expect(r.Reason).To(Equal(reason), "%s: %s", r.Reason, r.Message)
	}).WithTimeout(90 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	return e
}

// configMapData returns a ConfigMap's data, or nil when it does not exist.
func configMapData(ns, name string) map[string]string {
	cm := &corev1.ConfigMap{}
	if err := suite.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, cm); err != nil {
		return nil
	}
	return cm.Data
}

// exists reports whether an object exists.
func exists(obj client.Object) bool {
	return suite.client.Get(context.Background(), client.ObjectKeyFromObject(obj), obj) == nil
}

// inventoryIDs returns the IDs of the environment's inventory.
func inventoryIDs(e *landfallv1alpha1.Environment) []string {
	var out []string
	for _, entry := range inventoryEntries(e) {
		out = append(out, entry.ID)
	}
	return out
}

// cmID is the inventory ID of a ConfigMap.
func cmID(ns, name string) string { return fmt.Sprintf("%s_%s__ConfigMap", ns, name) }

// conditionStatus returns the status of a condition type, or "".
func conditionStatus(e *landfallv1alpha1.Environment, t string) metav1.ConditionStatus {
	for _, c := range e.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}
