package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// TestEnvironmentReconciler_SyncsFromGit: a repository with dev, staging
// and prod paths; the dev environment applies its path as its
// ServiceAccount, waits for health, records the revision, inventory and
// history, labels what it applied, and applies the next commit on its
// own.
func TestEnvironmentReconciler_SyncsFromGit(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform := newNamespace(t, "delivery", nil)
	dev, staging := newNamespace(t, "dev", nil), newNamespace(t, "staging", nil)
	grantAdmin(t, platform, deployer, dev)
	repo := dt.NewRepo(t, map[string]string{
		"dev/web/app.yaml":     dt.Join(dt.Deployment("web", dev, "registry.example/web:1.0"), dt.ConfigMap("web-config", dev, "greeting", "hello")),
		"staging/web/app.yaml": dt.Join(dt.Deployment("web", staging, "registry.example/web:0.9")),
		"prod/web/app.yaml":    dt.Join(dt.Deployment("web", "prod", "registry.example/web:0.8")),
	})
	first := repo.Head(t)
	createEnv(t, environment(platform, "dev", repo.Bare, "dev"))

	e := waitApplied(t, platform, "dev", first)
	g.Expect(inventoryIDs(e)).To(ConsistOf(dev+"_web_apps_Deployment", cmID(dev, "web-config")))
	g.Expect(e.Status.LastFetchedRevision).To(Equal(first))
	g.Expect(e.Status.Health).NotTo(BeNil())
	g.Expect(e.Status.Health.Status).To(Equal(landfallv1alpha1.HealthHealthy))
	g.Expect(e.Status.Gate).NotTo(BeNil())
	g.Expect(e.Status.Gate.Blocked).To(BeFalse())
	g.Expect(e.Status.History).NotTo(BeEmpty())
	g.Expect(e.Status.History[0].Revision).To(Equal(first))
	g.Expect(e.Status.History[0].Result).To(Equal(landfallv1alpha1.SyncSucceeded))
	g.Expect(e.Finalizers).To(ContainElement(EnvironmentFinalizer))

	deploy := &appsv1.Deployment{}
	g.Expect(suite.client.Get(ctx, client.ObjectKey{Namespace: dev, Name: "web"}, deploy)).To(Succeed())
	g.Expect(deploy.Labels).To(HaveKeyWithValue(landfallv1alpha1.LabelEnvironmentName, "dev"))
	g.Expect(deploy.Labels).To(HaveKeyWithValue(landfallv1alpha1.LabelEnvironmentNamespace, platform))
	g.Expect(deploy.Status.AvailableReplicas).To(BeEquivalentTo(1), "health waited for the rollout")
	g.Expect(configMapData(dev, "web-config")).To(HaveKeyWithValue("greeting", "hello"))
	// Only dev's path: nothing of staging was applied.
	g.Expect(exists(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: staging, Name: "web"}})).To(BeFalse())

	second := repo.Commit(t, "dev: new greeting", map[string]string{
		"dev/web/app.yaml": dt.Join(dt.Deployment("web", dev, "registry.example/web:1.0"), dt.ConfigMap("web-config", dev, "greeting", "hi")),
	})
	e = waitApplied(t, platform, "dev", second)
	g.Expect(configMapData(dev, "web-config")).To(HaveKeyWithValue("greeting", "hi"))
	g.Expect(e.Status.History[0].Revision).To(Equal(second))
	g.Expect(e.Status.History[1].Revision).To(Equal(first))
	g.Expect(e.Status.History[0].Message).To(ContainSubstring("1 updated"))
}

// TestEnvironmentReconciler_FetchFailureKeepsLastGoodState: a source that
// stops resolving (its branch is gone) and a revision that does not
// render leave the applied objects alone and say why.
func TestEnvironmentReconciler_FetchAndRenderFailuresKeepLastGoodState(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	repo := dt.NewRepo(t, map[string]string{"dev/cm.yaml": dt.ConfigMap("settings", dev, "level", "1")})
	good := repo.Head(t)
	createEnv(t, environment(platform, "dev", repo.Bare, "dev"))
	waitApplied(t, platform, "dev", good)

	bad := repo.Commit(t, "broken yaml", map[string]string{"dev/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n"})
	e := waitReason(t, platform, "dev", bad, landfallv1alpha1.RenderFailedReason)
	g.Expect(envReady(e).Status).To(Equal(metav1.ConditionFalse))
	g.Expect(envReady(e).Message).To(ContainSubstring("cm.yaml"))
	g.Expect(e.Status.LastAppliedRevision).To(Equal(good))
	g.Expect(configMapData(dev, "settings")).To(HaveKeyWithValue("level", "1"))
	g.Expect(e.Status.History[0].Result).To(Equal(landfallv1alpha1.SyncFailed))

	// A branch that does not exist: the fetch fails, the objects stay.
	patch := client.MergeFrom(e.DeepCopy())
	e.Spec.Source.Ref.Branch = "no-such-branch"
	g.Expect(suite.client.Patch(ctx, e, patch)).To(Succeed())
	g.Eventually(func(g Gomega) {
		e := getEnv(g, platform, "dev")
		g.Expect(envReady(e).Reason).To(Equal(landfallv1alpha1.FetchFailedReason))
		g.Expect(envReady(e).Message).To(ContainSubstring("no-such-branch"))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Consistently(func() map[string]string { return configMapData(dev, "settings") }).
		WithTimeout(2 * time.Second).Should(HaveKeyWithValue("level", "1"))
	g.Expect(exists(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "settings"}})).To(BeTrue())
}
