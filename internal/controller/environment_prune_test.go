package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// TestEnvironmentReconciler_PrunesWhatGitRemoved: removing a Deployment
// from Git deletes it from the cluster; an object Landfall did not apply
// is never touched; deleting the Environment prunes what it applied.
func TestEnvironmentReconciler_PrunesWhatGitRemoved(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	// Not Landfall's: created by hand, never in the inventory.
	g.Expect(suite.client.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "handmade"}})).To(Succeed())
	repo := dt.NewRepo(t, map[string]string{
		"dev/web.yaml": dt.Deployment("web", dev, "registry.example/web:1.0"),
		"dev/api.yaml": dt.Deployment("api", dev, "registry.example/api:1.0"),
	})
	first := repo.Head(t)
	env := createEnv(t, environment(platform, "dev", repo.Bare, "dev"))
	waitApplied(t, platform, "dev", first)
	g.Expect(exists(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "api"}})).To(BeTrue())

	second := repo.Commit(t, "retire api", map[string]string{"dev/api.yaml": ""})
	e := waitApplied(t, platform, "dev", second)
	g.Eventually(func() bool {
		return exists(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "api"}})
	}).WithTimeout(30 * time.Second).Should(BeFalse())
	g.Expect(inventoryIDs(e)).To(ConsistOf(dev + "_web_apps_Deployment"))
	g.Expect(e.Status.History[0].Message).To(ContainSubstring("1 pruned"))
	g.Expect(exists(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "web"}})).To(BeTrue())
	g.Expect(exists(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "handmade"}})).To(BeTrue())

	// Deleting the environment prunes what it applied, and only that.
	g.Expect(suite.client.Delete(ctx, env)).To(Succeed())
	g.Eventually(func() bool {
		return exists(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "web"}})
	}).WithTimeout(30 * time.Second).Should(BeFalse())
	g.Expect(exists(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "handmade"}})).To(BeTrue())
}
