package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestAccount_DeleteRemovesSpacesAndNamespaces: the account's limit and
// name rule hold for its subjects; deleting it deletes its spaces and
// their namespaces, says so while they go, and leaves nothing behind.
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

	// An object that a finalizer holds keeps one space's namespace, and so
	// the account, while the other space goes: the account says it is
	// being deleted, and which space it waits for.
	release := env.HoldNamespace(t, spaces[0])

	g.Expect(admin.Delete(ctx, account)).To(Succeed())
	g.Eventually(func(g Gomega) {
		a := &landfallv1alpha1.Account{}
		g.Expect(alice.Get(ctx, client.ObjectKeyFromObject(account), a)).To(Succeed())
		g.Expect(a.Status.Spaces).To(Equal(spaces[:1]))
		g.Expect(meta.FindStatusCondition(a.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", landfallv1alpha1.DeletingReason),
			HaveField("Message", "deleting 1 space(s) and their namespaces")))
		g.Expect(meta.IsStatusConditionTrue(a.Status.Conditions, landfallv1alpha1.ReconcilingCondition)).To(BeTrue())
	}).WithTimeout(60 * time.Second).Should(Succeed())

	release()
	g.Eventually(func(g Gomega) {
		for _, s := range spaces {
			g.Expect(apierrors.IsNotFound(admin.Get(ctx, client.ObjectKey{Name: s}, &landfallv1alpha1.Space{}))).To(BeTrue(), "space %s", s)
			g.Expect(apierrors.IsNotFound(admin.Get(ctx, client.ObjectKey{Name: s}, &corev1.Namespace{}))).To(BeTrue(), "namespace %s", s)
		}
		g.Expect(apierrors.IsNotFound(admin.Get(ctx, client.ObjectKeyFromObject(account), &landfallv1alpha1.Account{}))).To(BeTrue())
	}).WithTimeout(90 * time.Second).Should(Succeed())
}
