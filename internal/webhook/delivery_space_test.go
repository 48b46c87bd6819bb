package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestDelivery_TenantUsesDeliveryInItsSpace: through the roles of
// config/rbac/delivery_roles.yaml, aggregated into the space role, a
// tenant creates Environments and Promotions in its own space, not in
// another tenant's, and cannot approve its own promotions until the
// platform grants landfall-promotion-approver.
func TestDelivery_TenantUsesDeliveryInItsSpace(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	account, others := newAccount(t, "team-a"), newAccount(t, "team-b")
	alice, bob := userClient(t, "alice"), userClient(t, "bob")
	mine, err := newSpace(t, alice, account.Name, "shop")
	g.Expect(err).NotTo(HaveOccurred())
	theirs, err := newSpace(t, bob, others.Name, "bank")
	g.Expect(err).NotTo(HaveOccurred())
	waitSpaceReady(t, mine.Name)
	waitSpaceReady(t, theirs.Name)

	envIn := func(ns string) *landfallv1alpha1.Environment {
		return &landfallv1alpha1.Environment{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"},
			Spec:       landfallv1alpha1.EnvironmentSpec{Source: landfallv1alpha1.GitSource{URL: "https://git.example/shop.git", Path: "prod"}},
		}
	}
	// The space role aggregates asynchronously.
	g.Eventually(func() error { return alice.Create(ctx, envIn(mine.Name)) }).WithTimeout(20 * time.Second).Should(Succeed())
	err = alice.Create(ctx, envIn(theirs.Name))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice in bob's space: %v", err)

	p := &landfallv1alpha1.Promotion{
		ObjectMeta: metav1.ObjectMeta{Namespace: mine.Name, Name: "web-prod"},
		Spec:       landfallv1alpha1.PromotionSpec{Application: "web", From: "staging", To: "web"},
	}
	g.Expect(alice.Create(ctx, p)).To(Succeed())
	err = approve(alice, p, true, "alice")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a space admin does not approve by default: %v", err)
	g.Expect(err.Error()).To(ContainSubstring("may not approve promotions"))

	bindApprover(t, mine.Name, "alice")
	g.Eventually(func() error { return approve(alice, p, true, "alice") }).WithTimeout(20 * time.Second).Should(Succeed())
	got := &landfallv1alpha1.Promotion{}
	g.Expect(alice.Get(ctx, client.ObjectKeyFromObject(p), got)).To(Succeed())
	g.Expect(got.IsApproved()).To(BeTrue())
}
