package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// TestEnvironmentReconciler_Suspend: a suspended environment applies
// nothing new, and a sync requested meanwhile waits for the resume.
func TestEnvironmentReconciler_Suspend(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	repo := dt.NewRepo(t, map[string]string{"dev/cm.yaml": dt.ConfigMap("settings", dev, "level", "1")})
	first := repo.Head(t)
	// A long interval: no periodic sync can be on its way (read before
	// the suspend, fetching after the commit) when the test suspends; the
	// requested sync is the trigger the suspension must hold back.
	createEnv(t, environment(platform, "dev", repo.Bare, "dev", func(e *landfallv1alpha1.Environment) {
		e.Spec.Interval = &metav1.Duration{Duration: time.Hour}
	}))
	e := waitApplied(t, platform, "dev", first)

	patch := client.MergeFrom(e.DeepCopy())
	e.Spec.Suspend = true
	e.Annotations = map[string]string{landfallv1alpha1.AnnotationRequestedAt: "now"}
	g.Expect(suite.client.Patch(ctx, e, patch)).To(Succeed())
	second := repo.Commit(t, "level 2", map[string]string{"dev/cm.yaml": dt.ConfigMap("settings", dev, "level", "2")})
	g.Consistently(func(g Gomega) {
		e := getEnv(g, platform, "dev")
		g.Expect(e.Status.LastAppliedRevision).To(Equal(first))
		g.Expect(e.Status.LastHandledRequestedAt).To(BeEmpty())
		g.Expect(configMapData(dev, "settings")).To(HaveKeyWithValue("level", "1"))
	}).WithTimeout(3 * time.Second).Should(Succeed())

	e = getEnv(g, platform, "dev")
	patch = client.MergeFrom(e.DeepCopy())
	e.Spec.Suspend = false
	g.Expect(suite.client.Patch(ctx, e, patch)).To(Succeed())
	e = waitApplied(t, platform, "dev", second)
	g.Expect(e.Status.LastHandledRequestedAt).To(Equal("now"))
	g.Expect(configMapData(dev, "settings")).To(HaveKeyWithValue("level", "2"))
}
