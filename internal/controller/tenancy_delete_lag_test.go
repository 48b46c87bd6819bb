package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// laggingCache is a client whose reads of namespaces and lists of spaces
// miss, as a cache does that has not seen a namespace or Space created a
// moment ago.
type laggingCache struct{ client.Client }

func (c laggingCache) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if m, ok := obj.(*metav1.PartialObjectMetadata); ok && m.Kind == "Namespace" {
		return apierrors.NewNotFound(corev1.Resource("namespaces"), key.Name)
	}
	return c.Client.Get(ctx, key, obj, opts...)
}

func (c laggingCache) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	if _, ok := list.(*landfallv1alpha1.SpaceList); ok {
		return nil
	}
	return c.Client.List(ctx, list, opts...)
}

// releaseHold drops every finalizer, a test's hold among them.
var releaseHold = client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`))

// TestSpaceReconciler_DeleteChecksTheAPIServer: a Space deleted before the
// cache saw the namespace its first pass created keeps its finalizer
// until the namespace is gone; reading the cache only, it lost it at once
// and left the namespace behind.
func TestSpaceReconciler_DeleteChecksTheAPIServer(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	name := "blink-" + rand.String(5)
	space := &landfallv1alpha1.Space{
		ObjectMeta: metav1.ObjectMeta{Name: name, Finalizers: []string{tenancy.SpaceFinalizer}},
		Spec:       landfallv1alpha1.SpaceSpec{Account: "no-such-account"},
	}
	g.Expect(suite.client.Create(ctx, space)).To(Succeed())
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{tenancy.LabelSpace: name, tenancy.LabelAccount: "no-such-account"}}}
	g.Expect(suite.client.Create(ctx, ns)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), ns) })
	// The suite's own manager reconciles the space too and deletes the
	// namespace; a ConfigMap with a test finalizer keeps that namespace
	// from going before this reconciler looks.
	held := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: name, Name: "held", Finalizers: []string{"test.landfall.dev/hold"}}}
	g.Expect(suite.client.Create(ctx, held)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Patch(context.Background(), held, releaseHold) })
	g.Expect(suite.client.Delete(ctx, space)).To(Succeed())

	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(space)}
	r := &SpaceReconciler{Client: laggingCache{suite.client}, APIReader: suite.client}
	result, err := r.Reconcile(ctx, req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(result.RequeueAfter).To(BeNumerically(">", 0), "the reconciler did not wait for the namespace")
	g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(space), space)).To(Succeed(), "the space went before its namespace")
	g.Expect(space.Finalizers).To(ContainElement(tenancy.SpaceFinalizer))
	g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(ns), ns)).To(Succeed())
	g.Expect(ns.DeletionTimestamp).NotTo(BeNil(), "the namespace is not being deleted")

	// Reading the cache only is what lost it.
	blind := &SpaceReconciler{Client: laggingCache{suite.client}}
	result, err = blind.Reconcile(ctx, req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(result.RequeueAfter).To(BeZero())
	g.Eventually(func() bool {
		return apierrors.IsNotFound(suite.client.Get(ctx, client.ObjectKeyFromObject(space), space))
	}).WithTimeout(10 * time.Second).Should(BeTrue())
}

// TestAccountReconciler_DeleteChecksTheAPIServer: an Account deleted
// right after a Space of it was admitted, before the cache saw that
// Space, deletes the Space and waits for it instead of going at once and
// leaving it stalled without an account.
func TestAccountReconciler_DeleteChecksTheAPIServer(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	account := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "late-" + rand.String(5), Finalizers: []string{tenancy.AccountFinalizer}}}
	g.Expect(suite.client.Create(ctx, account)).To(Succeed())
	other := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: "other-" + rand.String(5)}, Spec: landfallv1alpha1.SpaceSpec{Account: "someone-else"}}
	// The suite's own manager reconciles the account too; a test finalizer
	// keeps its space from going, so that manager cannot finish the delete
	// before this reconciler looks.
	space := &landfallv1alpha1.Space{
		ObjectMeta: metav1.ObjectMeta{Name: account.Name + "-web", Finalizers: []string{"test.landfall.dev/hold"}},
		Spec:       landfallv1alpha1.SpaceSpec{Account: account.Name},
	}
	for _, s := range []*landfallv1alpha1.Space{other, space} {
		g.Expect(suite.client.Create(ctx, s)).To(Succeed())
		t.Cleanup(func() {
			ctx := context.Background()
			_ = suite.client.Patch(ctx, s, releaseHold)
			_ = suite.client.Delete(ctx, s)
		})
	}
	g.Expect(suite.client.Delete(ctx, account)).To(Succeed())

	r := &AccountReconciler{Client: laggingCache{suite.client}, APIReader: suite.client}
	result, err := r.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(account)})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(result.RequeueAfter).To(BeNumerically(">", 0), "the account did not wait for its space")
	g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(account), account)).To(Succeed())
	g.Expect(account.Finalizers).To(ContainElement(tenancy.AccountFinalizer))
	g.Expect(account.Status.Spaces).To(Equal([]string{space.Name}), "only its own space is waited for")
	err = suite.client.Get(ctx, client.ObjectKeyFromObject(space), space)
	g.Expect(apierrors.IsNotFound(err) || space.DeletionTimestamp != nil).To(BeTrue(), "its space is not being deleted: %v", err)
	g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(other), other)).To(Succeed())
	g.Expect(other.DeletionTimestamp).To(BeNil(), "another account's space is being deleted")
}
