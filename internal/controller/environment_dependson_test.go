package controller

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// TestEnvironmentReconciler_DependsOn: an environment waits until the
// environments it depends on are Ready, and syncs as soon as they are.
func TestEnvironmentReconciler_DependsOn(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	repo := dt.NewRepo(t, map[string]string{
		"infra/agent.yaml": dt.PrivilegedDaemonSet("agent", dev),
		"app/cm.yaml":      dt.ConfigMap("app", dev, "v", "1"),
	})
	blocked := repo.Head(t)
	createEnv(t, environment(platform, "infra", repo.Bare, "infra"))
	createEnv(t, environment(platform, "app", repo.Bare, "app", func(e *landfallv1alpha1.Environment) {
		e.Spec.DependsOn = []landfallv1alpha1.LocalReference{{Name: "infra"}}
	}))
	waitReason(t, platform, "infra", blocked, landfallv1alpha1.GateBlockedReason)
	g.Eventually(func(g Gomega) {
		e := getEnv(g, platform, "app")
		g.Expect(envReady(e).Reason).To(Equal(landfallv1alpha1.DependencyNotReadyReason))
		g.Expect(envReady(e).Message).To(Equal("dependency infra is not ready"))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Consistently(func() map[string]string { return configMapData(dev, "app") }).WithTimeout(2 * time.Second).Should(BeNil())

	fixed := repo.Commit(t, "infra: a harmless agent", map[string]string{"infra/agent.yaml": dt.ConfigMap("agent", dev, "mode", "safe")})
	waitApplied(t, platform, "infra", fixed)
	waitApplied(t, platform, "app", fixed)
	g.Expect(configMapData(dev, "app")).To(HaveKeyWithValue("v", "1"))
}
