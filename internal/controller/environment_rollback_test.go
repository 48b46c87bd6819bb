package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// TestEnvironmentReconciler_Rollback: the landfall.dev/rollback-to
// annotation returns the environment to an earlier revision (pruning
// what that revision did not have), it stays there while the source does
// not move, and the next commit ends the rollback.
func TestEnvironmentReconciler_Rollback(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform, prod := newNamespace(t, "delivery", nil), newNamespace(t, "prod", nil)
	grantAdmin(t, platform, deployer, prod)
	repo := dt.NewRepo(t, map[string]string{"prod/cm.yaml": dt.ConfigMap("settings", prod, "version", "1")})
	v1 := repo.Head(t)
	createEnv(t, environment(platform, "prod", repo.Bare, "prod"))
	waitApplied(t, platform, "prod", v1)
	v2 := repo.Commit(t, "version 2", map[string]string{
		"prod/cm.yaml":    dt.ConfigMap("settings", prod, "version", "2"),
		"prod/extra.yaml": dt.ConfigMap("extra", prod, "new", "yes"),
	})
	e := waitApplied(t, platform, "prod", v2)
	g.Expect(configMapData(prod, "extra")).NotTo(BeNil())

	request := v1[:10] + "@2026-01-01T00:00:00Z"
	patch := client.MergeFrom(e.DeepCopy())
	e.Annotations = map[string]string{landfallv1alpha1.AnnotationRollbackTo: request}
	g.Expect(suite.client.Patch(ctx, e, patch)).To(Succeed())

	e = waitApplied(t, platform, "prod", v1)
	g.Expect(configMapData(prod, "settings")).To(HaveKeyWithValue("version", "1"))
	g.Eventually(func() map[string]string { return configMapData(prod, "extra") }).WithTimeout(20 * time.Second).Should(BeNil())
	g.Expect(e.Status.Rollback).NotTo(BeNil())
	g.Expect(e.Status.Rollback.Revision).To(Equal(v1))
	g.Expect(e.Status.Rollback.SourceRevision).To(Equal(v2))
	g.Expect(e.Status.LastHandledRollbackTo).To(Equal(request))
	g.Expect(e.Status.LastFetchedRevision).To(Equal(v2))
	g.Expect(e.Status.History[0].Result).To(Equal(landfallv1alpha1.SyncRolledBack))
	g.Expect(e.Status.History[0].Revision).To(Equal(v1))
	g.Expect(envReady(e).Message).To(ContainSubstring("rolled back from " + v2[:12]))

	// It stays rolled back while the branch does not move (the interval
	// is one second).
	g.Consistently(func(g Gomega) {
		e := getEnv(g, platform, "prod")
		g.Expect(e.Status.LastAppliedRevision).To(Equal(v1))
		g.Expect(configMapData(prod, "settings")).To(HaveKeyWithValue("version", "1"))
	}).WithTimeout(4 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())

	// The next commit ends the rollback; the annotation is not honoured
	// again.
	v3 := repo.Commit(t, "version 3", map[string]string{"prod/cm.yaml": dt.ConfigMap("settings", prod, "version", "3")})
	e = waitApplied(t, platform, "prod", v3)
	g.Expect(e.Status.Rollback).To(BeNil())
	g.Expect(configMapData(prod, "settings")).To(HaveKeyWithValue("version", "3"))
	g.Consistently(func(g Gomega) {
		g.Expect(getEnv(g, platform, "prod").Status.LastAppliedRevision).To(Equal(v3))
	}).WithTimeout(3 * time.Second).Should(Succeed())
}
