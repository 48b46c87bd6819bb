package controller

import (
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// promotion builds a Promotion of app.
func promotion(ns, name, app, from, to string, mods ...func(*landfallv1alpha1.Promotion)) *landfallv1alpha1.Promotion {
	p := &landfallv1alpha1.Promotion{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       landfallv1alpha1.PromotionSpec{Application: app, From: from, To: to},
	}
	for _, m := range mods {
		m(p)
	}
	return p
}

// waitPhase waits until the promotion reaches phase and returns it.
func waitPhase(t *testing.T, ns, name, phase string) *landfallv1alpha1.Promotion {
	t.Helper()
	p := &landfallv1alpha1.Promotion{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(suite.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, p)).To(Succeed())
		g.Expect(p.Status.Phase).To(Equal(phase), "message: %s", p.Status.Message)
	}).WithTimeout(60 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	return p
}

// deploymentImage returns the image of a Deployment's first container.
func deploymentImage(g Gomega, ns, name string) string {
	d := &appsv1.Deployment{}
	g.Expect(suite.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, d)).To(Succeed())
	return d.Spec.Template.Spec.Containers[0].Image
}

// TestPromotionReconciler_PromotesDevToStagingToProd: dev syncs on its
// own; promoting web to staging writes exactly one commit that sets
// staging's image to dev's, and staging converges; a promotion to prod,
// which requires approval, waits for it.
func TestPromotionReconciler_PromotesDevToStagingToProd(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform := newNamespace(t, "delivery", nil)
	dev, staging, prod := newNamespace(t, "dev", nil), newNamespace(t, "staging", nil), newNamespace(t, "prod", nil)
	grantAdmin(t, platform, deployer, dev, staging, prod)
	repo := dt.NewRepo(t, map[string]string{
		"envs/dev/web/app.yaml":     dt.Deployment("web", dev, "registry.example/web:1.1"),
		"envs/staging/web/app.yaml": dt.Deployment("web", staging, "registry.example/web:1.0"),
		"envs/prod/web/app.yaml":    dt.Deployment("web", prod, "registry.example/web:1.0"),
	})
	head := repo.Head(t)
	createEnv(t, environment(platform, "dev", repo.Bare, "envs/dev"))
	createEnv(t, environment(platform, "staging", repo.Bare, "envs/staging"))
	createEnv(t, environment(platform, "prod", repo.Bare, "envs/prod", requireApproval))
	waitApplied(t, platform, "dev", head)
	waitApplied(t, platform, "staging", head)
	commits := len(repo.Log(t))

	g.Expect(suite.client.Create(ctx, promotion(platform, "web-staging", "web", "dev", "staging"))).To(Succeed())
	p := waitPhase(t, platform, "web-staging", landfallv1alpha1.PromotionSucceeded)
	g.Expect(p.Status.Revision).To(Equal(head), "defaults to dev's applied revision")
	g.Expect(p.Status.Commit).To(HaveLen(40))
	g.Expect(meta.IsStatusConditionTrue(p.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
	g.Expect(p.Status.CompletionTime).NotTo(BeNil())

	log := repo.Log(t)
	g.Expect(log).To(HaveLen(commits+1), "exactly one commit")
	g.Expect(log[0].SHA).To(Equal(p.Status.Commit))
	g.Expect(log[0].Files).To(Equal([]string{"envs/staging/web/app.yaml"}))
	g.Expect(log[0].Message).To(ContainSubstring("Promotion " + platform + "/web-staging"))
	g.Expect(log[0].Message).To(ContainSubstring("\n"+PromotionMarker(p)+"\n"), "a restarted manager finds the commit by it")
	staged := repo.ReadFile(t, "envs/staging/web/app.yaml")
	g.Expect(staged).To(ContainSubstring("registry.example/web:1.1"))
	g.Expect(staged).To(ContainSubstring("namespace: "+staging), "staging keeps its own configuration")

	// Staging converges on the commit (the promotion asked it to sync).
	waitApplied(t, platform, "staging", p.Status.Commit)
	g.Eventually(func(g Gomega) string { return deploymentImage(g, staging, "web") }).
		WithTimeout(30 * time.Second).Should(Equal("registry.example/web:1.1"))

	// Prod requires approval: the promotion waits, and goes once approved.
	g.Expect(suite.client.Create(ctx, promotion(platform, "web-prod", "web", "staging", "prod"))).To(Succeed())
	p = waitPhase(t, platform, "web-prod", landfallv1alpha1.PromotionWaitingForApproval)
	g.Expect(p.Status.Message).To(ContainSubstring("landfall promote approve web-prod"))
	g.Expect(p.Status.Revision).To(Equal(getEnv(g, platform, "staging").Status.LastAppliedRevision))
	g.Consistently(func() string { return repo.Head(t) }).WithTimeout(2 * time.Second).Should(Equal(log[0].SHA))
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.Approval = &landfallv1alpha1.PromotionApproval{Approved: true, Approver: "release-manager", Message: "CAB-42"}
	g.Expect(suite.client.Patch(ctx, p, patch)).To(Succeed())
	p = waitPhase(t, platform, "web-prod", landfallv1alpha1.PromotionSucceeded)
	msg := repo.Log(t)[0].Message
	g.Expect(msg).To(ContainSubstring("Approved-by: release-manager"))
	g.Expect(strings.Count(repo.ReadFile(t, "envs/prod/web/app.yaml"), "registry.example/web:1.1")).To(Equal(1))
	waitApplied(t, platform, "prod", p.Status.Commit)
}

// devAndStaging sets up the environments dev and staging of a new
// repository (paths root+"dev" and root+"staging", web 1.1 in dev and 1.0
// in staging) in a new platform namespace, and waits until dev applied
// the first commit, which it returns.
func devAndStaging(t *testing.T, root string) (platform, dev string, repo *dt.Repo, head string) {
	t.Helper()
	platform = newNamespace(t, "delivery", nil)
	dev, staging := newNamespace(t, "dev", nil), newNamespace(t, "staging", nil)
	grantAdmin(t, platform, deployer, dev, staging)
	repo = dt.NewRepo(t, map[string]string{
		root + "dev/web/app.yaml":     dt.Deployment("web", dev, "registry.example/web:1.1"),
		root + "staging/web/app.yaml": dt.Deployment("web", staging, "registry.example/web:1.0"),
	})
	head = repo.Head(t)
	createEnv(t, environment(platform, "dev", repo.Bare, root+"dev"))
	createEnv(t, environment(platform, "staging", repo.Bare, root+"staging"))
	waitApplied(t, platform, "dev", head)
	return platform, dev, repo, head
}

// TestPromotionReconciler_PromotesARevisionTheSourceAppliedEarlier: the
// repository moved on after the source verified a revision (a promotion
// waiting for approval sees this every time someone commits): that
// revision, still in the source's history, is promoted, not refused.
func TestPromotionReconciler_PromotesARevisionTheSourceAppliedEarlier(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform, dev, repo, verified := devAndStaging(t, "envs/")
	later := repo.Commit(t, "web 1.2 in dev", map[string]string{"envs/dev/web/app.yaml": dt.Deployment("web", dev, "registry.example/web:1.2")})
	waitApplied(t, platform, "dev", later)

	g.Expect(suite.client.Create(ctx, promotion(platform, "web-verified", "web", "dev", "staging", func(p *landfallv1alpha1.Promotion) {
		p.Spec.Revision = verified
	}))).To(Succeed())
	p := waitPhase(t, platform, "web-verified", landfallv1alpha1.PromotionSucceeded)
	g.Expect(p.Status.Revision).To(Equal(verified))
	g.Expect(repo.ReadFile(t, "envs/staging/web/app.yaml")).To(ContainSubstring("registry.example/web:1.1"), "the verified revision's image, not the later one")
}

// TestPromotionReconciler_RefusesUnreadyOrBlockedSource: a revision the
// source has not applied, or one its gate blocked, is refused (and
// nothing is committed); a rejected promotion fails for good.
func TestPromotionReconciler_RefusesUnreadyOrBlockedSource(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform, dev, repo, good := devAndStaging(t, "")
	blocked := repo.Commit(t, "privileged agent", map[string]string{"dev/web/agent.yaml": dt.PrivilegedDaemonSet("agent", dev)})
	waitReason(t, platform, "dev", blocked, landfallv1alpha1.GateBlockedReason)
	commits := len(repo.Log(t))

	g.Expect(suite.client.Create(ctx, promotion(platform, "blocked", "web", "dev", "staging", func(p *landfallv1alpha1.Promotion) {
		p.Spec.Revision = blocked
	}))).To(Succeed())
	// Refused is retried: a first pass whose cache still held dev at the
	// earlier revision refuses for that reason, the next for the gate.
	p := &landfallv1alpha1.Promotion{}
	g.Eventually(func(g Gomega) {
		g.Expect(suite.client.Get(ctx, client.ObjectKey{Namespace: platform, Name: "blocked"}, p)).To(Succeed())
		g.Expect(p.Status.Phase).To(Equal(landfallv1alpha1.PromotionRefused), "message: %s", p.Status.Message)
		g.Expect(p.Status.Message).To(ContainSubstring("gate of source environment dev blocked revision " + blocked[:12]))
	}).WithTimeout(60 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(meta.FindStatusCondition(p.Status.Conditions, landfallv1alpha1.ReadyCondition).Reason).To(Equal(landfallv1alpha1.PromotionRefusedReason))

	unknown := strings.Repeat("ab", 20)
	g.Expect(suite.client.Create(ctx, promotion(platform, "unknown", "web", "dev", "staging", func(p *landfallv1alpha1.Promotion) {
		p.Spec.Revision = unknown
	}))).To(Succeed())
	p = waitPhase(t, platform, "unknown", landfallv1alpha1.PromotionRefused)
	g.Expect(p.Status.Message).To(ContainSubstring("source environment dev is at revision " + good[:12] + ", not " + unknown[:12]))

	g.Expect(suite.client.Create(ctx, promotion(platform, "rejected", "web", "dev", "staging", func(p *landfallv1alpha1.Promotion) {
		p.Spec.Revision = good
		p.Spec.Approval = &landfallv1alpha1.PromotionApproval{Approved: false, Approver: "release-manager", Message: "freeze"}
	}))).To(Succeed())
	p = waitPhase(t, platform, "rejected", landfallv1alpha1.PromotionFailed)
	g.Expect(p.Status.Message).To(Equal("rejected by release-manager: freeze"))

	g.Consistently(func() int { return len(repo.Log(t)) }).WithTimeout(2*time.Second).Should(Equal(commits), "nothing committed")
}
