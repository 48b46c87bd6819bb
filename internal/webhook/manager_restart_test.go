package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestManager_RestartMidAccountDeletion stops the manager as soon as the
// first namespace of a deleted account is terminating, starts a new one,
// and checks the deletion completes: no orphan namespace, no Space or
// TemplateInstance left, every finalizer removed. (Waiting until a first
// namespace is gone came too late: the namespaces of an account go
// within milliseconds of each other, and the manager removes the space
// and account finalizers as fast, so the account could be gone before
// Stop returned.)
func TestManager_RestartMidAccountDeletion(t *testing.T) {
	g := NewWithT(t)
	mgr := startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	var spaces []string
	for range 3 {
		s, err := newSpace(t, alice, account.Name, "rd")
		g.Expect(err).NotTo(HaveOccurred())
		spaces = append(spaces, s.Name)
	}
	for _, s := range spaces {
		waitSpaceReady(t, s)
	}

	g.Expect(admin.Delete(ctx, account)).To(Succeed())
	g.Eventually(func() bool {
		for _, s := range spaces {
			ns := &corev1.Namespace{}
			if err := admin.Get(ctx, client.ObjectKey{Name: s}, ns); apierrors.IsNotFound(err) || !ns.DeletionTimestamp.IsZero() {
				return true
			}
		}
		return false
	}).WithTimeout(60*time.Second).WithPolling(20*time.Millisecond).Should(BeTrue(), "a first namespace is being deleted")
	g.Expect(mgr.Stop()).To(Succeed())

	// The interruption really is mid-way: the account still waits on its
	// finalizer.
	left := &landfallv1alpha1.Account{}
	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(account), left)).To(Succeed(), "the account finished deleting before the manager stopped")
	g.Expect(left.Finalizers).NotTo(BeEmpty())

	// Nothing finishes the job while no manager runs.
	g.Consistently(func() error {
		return admin.Get(ctx, client.ObjectKeyFromObject(account), &landfallv1alpha1.Account{})
	}).WithTimeout(2 * time.Second).Should(Succeed())

	g.Expect(mgr.Start()).To(Succeed())
	g.Eventually(func(g Gomega) { expectAccountGone(g, admin, account.Name, spaces) }).
		WithTimeout(90 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// TestManager_RestartMidSpaceCreation stops the manager as soon as the
// first of several new spaces has a namespace, starts a new one, and
// checks every space ends Ready with its templates and RoleBinding.
func TestManager_RestartMidSpaceCreation(t *testing.T) {
	g := NewWithT(t)
	mgr := startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	var spaces []string
	for range 3 {
		s, err := newSpace(t, alice, account.Name, "rc")
		g.Expect(err).NotTo(HaveOccurred())
		spaces = append(spaces, s.Name)
	}
	g.Eventually(func() bool {
		for _, s := range spaces {
			if admin.Get(ctx, client.ObjectKey{Name: s}, &corev1.Namespace{}) == nil {
				return true
			}
		}
		return false
	}).WithTimeout(30*time.Second).WithPolling(10*time.Millisecond).Should(BeTrue(), "a first namespace is created")
	g.Expect(mgr.Stop()).To(Succeed())

	ready := 0
	for _, name := range spaces {
		s := &landfallv1alpha1.Space{}
		g.Expect(admin.Get(ctx, client.ObjectKey{Name: name}, s)).To(Succeed())
		if meta.IsStatusConditionTrue(s.Status.Conditions, landfallv1alpha1.ReadyCondition) {
			ready++
		}
	}
	g.Expect(ready).To(BeNumerically("<", len(spaces)), "every space was Ready before the manager stopped")

	g.Expect(mgr.Start()).To(Succeed())
	for _, s := range spaces {
		g.Eventually(func(g Gomega) { expectSpaceSetUp(g, admin, s, account.Name) }).
			WithTimeout(60*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), "space %s", s)
	}
	g.Eventually(func(g Gomega) {
		a := &landfallv1alpha1.Account{}
		g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(account), a)).To(Succeed())
		g.Expect(a.Status.Spaces).To(ConsistOf(spaces))
	}).WithTimeout(20 * time.Second).Should(Succeed())
}
