package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

func TestAccount_DeleteRemovesSpacesAndNamespaces(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a", func(a *landfallv1alpha1.Account) {
		limit := int32(2)
		a.Spec.Space.Limit = &limit
		a.Spec.Space.NamePrefix = "del-"
	})
	var spaces []string
	for range 2 {
		s, err := newSpace(t, alice, account.Name, "del")
		g.Expect(err).NotTo(HaveOccurred())
		spaces = append(spaces, s.Name)
	}
	// The webhook counts the account's spaces in the manager's cache; the
	// account's status, listed from the same cache, shows when it holds
	// both. (Creates racing ahead of the cache are the reconciler's to
	// stop: checkLimit.)
	g.Eventually(func(g Gomega) {
		a := &landfallv1alpha1.Account{}
		g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(account), a)).To(Succeed())
		g.Expect(a.Status.Spaces).To(ConsistOf(spaces))
	}).WithTimeout(20 * time.Second).Should(Succeed())
	_, err := newSpace(t, alice, account.Name, "del")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a third space past the limit of 2: %v", err)
	_, err = newSpace(t, alice, account.Name, "nope")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a space breaking the name rule: %v", err)
	for _, s := range spaces {
		waitSpaceReady(t, s)
	}

	g.Expect(admin.Delete(ctx, account)).To(Succeed())
	g.Eventually(func(g Gomega) {
		for _, s := range spaces {
			g.Expect(apierrors.IsNotFound(admin.Get(ctx, client.ObjectKey{Name: s}, &landfallv1alpha1.Space{}))).To(BeTrue(), "space %s", s)
			g.Expect(apierrors.IsNotFound(admin.Get(ctx, client.ObjectKey{Name: s}, &corev1.Namespace{}))).To(BeTrue(), "namespace %s", s)
		}
		g.Expect(apierrors.IsNotFound(admin.Get(ctx, client.ObjectKeyFromObject(account), &landfallv1alpha1.Account{}))).To(BeTrue())
	}).WithTimeout(90 * time.Second).Should(Succeed())
}
