package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// TestEnvironmentReconciler_TenantCannotWriteOutsideItsSpaces: an
// environment in a tenant's space applies as a ServiceAccount of that
// space even when it names none, so a repository holding a
// ClusterRoleBinding and an object in another tenant's space fails on
// exactly those two objects: the API server refuses them (impersonation,
// not a Landfall-side filter), and the rest is applied.
func TestEnvironmentReconciler_TenantCannotWriteOutsideItsSpaces(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	mine := newNamespace(t, "acme-web", map[string]string{tenancy.LabelAccount: "acme"})
	theirs := newNamespace(t, "globex-web", map[string]string{tenancy.LabelAccount: "globex"})
	// The tenant lets its space's default ServiceAccount administer the
	// space, and nothing else.
	grantAdmin(t, mine, "default", mine)
	repo := dt.NewRepo(t, map[string]string{
		"app/cm.yaml":       dt.ConfigMap("app", "", "owner", "acme"),
		"app/crb.yaml":      dt.ClusterRoleBinding("acme-escalate-"+mine, "view", mine, "default"),
		"app/intruder.yaml": dt.ConfigMap("intruder", theirs, "owner", "acme"),
	})
	rev := repo.Head(t)
	createEnv(t, environment(mine, "web", repo.Bare, "app", asServiceAccount("")))

	e := waitReason(t, mine, "web", rev, landfallv1alpha1.ApplyFailedReason)
	msg := envReady(e).Message
	g.Expect(msg).To(ContainSubstring("ClusterRoleBinding/acme-escalate-" + mine + ":"))
	g.Expect(msg).To(ContainSubstring("ConfigMap/" + theirs + "/intruder:"))
	g.Expect(msg).To(ContainSubstring("forbidden"))
	g.Expect(msg).To(ContainSubstring("system:serviceaccount:" + mine + ":default"))
	g.Expect(msg).NotTo(ContainSubstring("ConfigMap/" + mine + "/app"))
	g.Expect(e.Status.LastAppliedRevision).To(BeEmpty())

	// What the tenant may write was applied; the rest was not.
	g.Expect(configMapData(mine, "app")).To(HaveKeyWithValue("owner", "acme"))
	g.Expect(exists(&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "acme-escalate-" + mine}})).To(BeFalse())
	g.Expect(exists(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: theirs, Name: "intruder"}})).To(BeFalse())
	g.Expect(inventoryIDs(e)).To(ContainElement(cmID(mine, "app")))
	g.Expect(inventoryIDs(e)).NotTo(ContainElement(cmID(theirs, "intruder")))

	// Once the repository holds only what the tenant may write, the
	// environment is Ready, with nothing refused left to prune.
	fixed := repo.Commit(t, "stay in our space", map[string]string{"app/crb.yaml": "", "app/intruder.yaml": ""})
	e = waitApplied(t, mine, "web", fixed)
	g.Expect(inventoryIDs(e)).To(ConsistOf(cmID(mine, "app")))
}
