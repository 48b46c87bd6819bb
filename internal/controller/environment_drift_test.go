package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// editByHand changes a ConfigMap's data as a person with kubectl would.
func editByHand(g Gomega, ns, name, key, value string) {
	cm := &corev1.ConfigMap{}
	g.Expect(suite.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, cm)).To(Succeed())
	cm.Data[key] = value
	g.Expect(suite.client.Update(context.Background(), cm, client.FieldOwner("kubectl-edit"))).To(Succeed())
}

// TestEnvironmentReconciler_DriftIsRevertedWithSelfHeal: an applied
// object edited by hand is put back on the next interval, and the
// correction is in the history.
func TestEnvironmentReconciler_DriftIsRevertedWithSelfHeal(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	repo := dt.NewRepo(t, map[string]string{"dev/cm.yaml": dt.ConfigMap("settings", dev, "level", "1")})
	rev := repo.Head(t)
	createEnv(t, environment(platform, "dev", repo.Bare, "dev", selfHealing))
	waitApplied(t, platform, "dev", rev)

	editByHand(g, dev, "settings", "level", "999")
	g.Eventually(func() map[string]string { return configMapData(dev, "settings") }).
		WithTimeout(30 * time.Second).Should(HaveKeyWithValue("level", "1"))
	g.Eventually(func(g Gomega) {
		e := getEnv(g, platform, "dev")
		g.Expect(e.Status.History[0].Result).To(Equal(landfallv1alpha1.SyncDriftCorrected))
		g.Expect(e.Status.History[0].Message).To(ContainSubstring("ConfigMap/" + dev + "/settings"))
		g.Expect(e.Status.Drift).NotTo(BeNil())
		g.Expect(e.Status.Drift.Corrected).To(BeTrue())
		g.Expect(envReady(e).Reason).To(Equal(landfallv1alpha1.SyncSucceededReason))
	}).WithTimeout(10 * time.Second).Should(Succeed())
}

// TestEnvironmentReconciler_DriftIsReportedWithoutSelfHeal: without
// selfHeal the edit stays, and status names the drifted object.
func TestEnvironmentReconciler_DriftIsReportedWithoutSelfHeal(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	repo := dt.NewRepo(t, map[string]string{"dev/cm.yaml": dt.Join(dt.ConfigMap("settings", dev, "level", "1"), dt.ConfigMap("other", dev, "a", "b"))})
	rev := repo.Head(t)
	createEnv(t, environment(platform, "dev", repo.Bare, "dev"))
	waitApplied(t, platform, "dev", rev)

	editByHand(g, dev, "settings", "level", "999")
	g.Eventually(func(g Gomega) {
		e := getEnv(g, platform, "dev")
		g.Expect(e.Status.Drift).NotTo(BeNil())
		g.Expect(e.Status.Drift.Objects).To(Equal([]string{"ConfigMap/" + dev + "/settings"}))
		g.Expect(e.Status.Drift.Count).To(BeEquivalentTo(1))
		g.Expect(e.Status.Drift.Corrected).To(BeFalse())
		g.Expect(envReady(e).Reason).To(Equal(landfallv1alpha1.DriftDetectedReason))
		g.Expect(envReady(e).Message).To(ContainSubstring("ConfigMap/" + dev + "/settings"))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Consistently(func() map[string]string { return configMapData(dev, "settings") }).
		WithTimeout(3 * time.Second).Should(HaveKeyWithValue("level", "999"))
	e := getEnv(g, platform, "dev")
	g.Expect(e.Status.History[0].Result).To(Equal(landfallv1alpha1.SyncSucceeded), "drift without selfHeal applies nothing")

	// Putting it back by hand clears the report.
	editByHand(g, dev, "settings", "level", "1")
	g.Eventually(func(g Gomega) {
		e := getEnv(g, platform, "dev")
		g.Expect(e.Status.Drift).To(BeNil())
		g.Expect(envReady(e).Reason).To(Equal(landfallv1alpha1.SyncSucceededReason))
	}).WithTimeout(30 * time.Second).Should(Succeed())
}
