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
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// existingNamespace creates a namespace outside Landfall, with a workload
// config in it, and deletes it at the end of the test.
func existingNamespace(t *testing.T, prefix string) string {
	t.Helper()
	ctx := context.Background()
	admin := adminClient(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name(prefix), Labels: map[string]string{"team": "legacy"}}}
	if err := admin.Create(ctx, ns); err != nil {
		t.Fatalf("creating namespace: %v", err)
	}
	t.Cleanup(func() { _ = admin.Delete(context.Background(), ns) })
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: "app-config"}, Data: map[string]string{"k": "v"}}
	if err := admin.Create(ctx, cm); err != nil {
		t.Fatalf("creating config map: %v", err)
	}
	return ns.Name
}

func TestSpace_AdoptExistingNamespace(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")

	// A platform admin adopts an existing namespace into the account.
	legacy := existingNamespace(t, "legacy")
	space := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: legacy}, Spec: landfallv1alpha1.SpaceSpec{Account: account.Name, Adopt: true}}
	g.Expect(admin.Create(ctx, space)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(context.Background(), space) })
	g.Eventually(func(g Gomega) { expectSpaceSetUp(g, admin, legacy, account.Name) }).
		WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	ns := &corev1.Namespace{}
	g.Expect(admin.Get(ctx, client.ObjectKey{Name: legacy}, ns)).To(Succeed())
	g.Expect(ns.Labels).To(HaveKeyWithValue("team", "legacy"), "the namespace's own labels are kept")
	g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: legacy, Name: "app-config"}, &corev1.ConfigMap{})).To(Succeed(), "what was in the namespace is kept")
	g.Eventually(func() error {
		return alice.List(ctx, &corev1.ConfigMapList{}, client.InNamespace(legacy))
	}).WithTimeout(20*time.Second).Should(Succeed(), "the account's subjects get access")

	// A tenant cannot adopt a namespace: the webhook denies spec.adopt.
	other := existingNamespace(t, "other")
	_, err := newSpaceFor(t, alice, other, account.Name, true)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice adopts a namespace: %v", err)
	g.Expect(err.Error()).To(ContainSubstring("only platform admins may set spec.adopt"))

	// Without adopt, a Space named after an existing namespace stalls on
	// the conflict and the namespace is left as it was.
	s, err := newSpaceFor(t, alice, other, account.Name, false)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		got := &landfallv1alpha1.Space{}
		g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(s), got)).To(Succeed())
		c := meta.FindStatusCondition(got.Status.Conditions, landfallv1alpha1.StalledCondition)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Reason).To(Equal(landfallv1alpha1.NamespaceConflictReason))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Expect(admin.Get(ctx, client.ObjectKey{Name: other}, ns)).To(Succeed())
	g.Expect(ns.Labels).NotTo(HaveKey(tenancy.LabelAccount))
	err = alice.List(ctx, &corev1.ConfigMapList{}, client.InNamespace(other))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice reads the namespace she could not adopt: %v", err)

	// Deleting that Space leaves the namespace it never owned alone.
	g.Expect(admin.Delete(ctx, s)).To(Succeed())
	g.Eventually(func() bool {
		return apierrors.IsNotFound(admin.Get(ctx, client.ObjectKeyFromObject(s), &landfallv1alpha1.Space{}))
	}).WithTimeout(30 * time.Second).Should(BeTrue())
	g.Expect(admin.Get(ctx, client.ObjectKey{Name: other}, ns)).To(Succeed())
	g.Expect(ns.DeletionTimestamp.IsZero()).To(BeTrue(), "the namespace of a conflicting space is not deleted")
}

// newSpaceFor creates a Space of a given name as the given client.
func newSpaceFor(t *testing.T, c client.Client, spaceName, account string, adopt bool) (*landfallv1alpha1.Space, error) {
	t.Helper()
	s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: spaceName}, Spec: landfallv1alpha1.SpaceSpec{Account: account, Adopt: adopt}}
	err := c.Create(context.Background(), s)
	if err == nil {
		admin := adminClient(t)
		t.Cleanup(func() { _ = admin.Delete(context.Background(), s) })
	}
	return s, err
}
