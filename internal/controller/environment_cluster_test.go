package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
	"github.com/landfall-dev/landfall/internal/fleet"
	"github.com/landfall-dev/landfall/internal/localcluster"
)

// TestEnvironmentReconciler_TargetsARegisteredCluster: an environment
// whose target is a registered Cluster applies there, through the
// Cluster's kubeconfig, still impersonating its ServiceAccount (which
// lives in the target cluster), and not on the manager's own cluster.
func TestEnvironmentReconciler_TargetsARegisteredCluster(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	startCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	spoke, err := localcluster.Start(startCtx, localcluster.Options{FastStorage: true})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = spoke.Stop() })
	remote, err := client.New(spoke.AdminConfig(), client.Options{Scheme: newScheme()})
	g.Expect(err).NotTo(HaveOccurred())

	// In the spoke: the target namespace and the deployer allowed there.
	platform := newNamespace(t, "delivery", nil)
	target := "shop-" + rand.String(5)
	for _, obj := range []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: platform}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: target}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: platform, Name: deployer}},
		&rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Namespace: target, Name: "deployer"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "admin"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: platform, Name: deployer}},
		},
	} {
		g.Expect(remote.Create(ctx, obj)).To(Succeed())
	}
	// In the hub: the Cluster and its kubeconfig, as landfall cluster add
	// registers it.
	ensureNamespace(t, fleet.SystemNamespace)
	data, err := fleet.PrepareKubeconfig(spoke.AdminKubeconfig(), "")
	g.Expect(err).NotTo(HaveOccurred())
	name := "spoke-" + rand.String(5)
	secret := kubeconfigSecret(fleet.SystemNamespace, name, data)
	cluster := clusterObj(name, fromSecret(fleet.SystemNamespace, name))
	for _, obj := range []client.Object{secret, cluster} {
		g.Expect(suite.client.Create(ctx, obj)).To(Succeed())
	}
	t.Cleanup(func() {
		for _, obj := range []client.Object{cluster, secret} {
			_ = suite.client.Delete(context.Background(), obj)
		}
	})

	// A ClusterRole too: the spoke's admin kubeconfig could create it, the
	// impersonated ServiceAccount cannot.
	clusterRole := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " + name + "-reader\nrules: []\n"
	repo := dt.NewRepo(t, map[string]string{
		"prod/cm.yaml":   dt.ConfigMap("settings", "", "where", "spoke"),
		"prod/role.yaml": clusterRole,
	})
	first := repo.Head(t)
	createEnv(t, environment(platform, "prod", repo.Bare, "prod", func(e *landfallv1alpha1.Environment) {
		e.Spec.Target = landfallv1alpha1.EnvironmentTarget{ClusterRef: &landfallv1alpha1.LocalReference{Name: name}, Namespaces: []string{target}}
	}))
	// The spoke aggregates the admin role's rules shortly after it
	// starts: until then the ConfigMap is refused too.
	g.Eventually(func(g Gomega) {
		e := getEnv(g, platform, "prod")
		msg := envReady(e).Message
		g.Expect(e.Status.LastAttemptedRevision).To(Equal(first))
		g.Expect(envReady(e).Reason).To(Equal(landfallv1alpha1.ApplyFailedReason))
		g.Expect(msg).To(MatchRegexp(`ClusterRole/` + name + `-reader: .*User "system:serviceaccount:` + platform + `:deployer" cannot \w+ resource "clusterroles"`))
		g.Expect(msg).NotTo(ContainSubstring("ConfigMap"))
	}).WithTimeout(60 * time.Second).Should(Succeed())
	g.Expect(remote.Get(ctx, client.ObjectKey{Name: name + "-reader"}, &rbacv1.ClusterRole{})).NotTo(Succeed())

	rev := repo.Commit(t, "no cluster role", map[string]string{"prod/role.yaml": ""})
	waitApplied(t, platform, "prod", rev)

	cm := &corev1.ConfigMap{}
	g.Expect(remote.Get(ctx, client.ObjectKey{Namespace: target, Name: "settings"}, cm)).To(Succeed())
	g.Expect(cm.Data).To(HaveKeyWithValue("where", "spoke"))
	g.Expect(cm.ManagedFields).NotTo(BeEmpty())
	g.Expect(suite.client.Get(ctx, client.ObjectKey{Namespace: target, Name: "settings"}, &corev1.ConfigMap{})).NotTo(Succeed(), "nothing on the manager's own cluster")
}
