package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// A stalled Space waits for something else to change: these tests change
// it, and the space recovers without being touched itself.

func stallAccount(t *testing.T, mod func(*landfallv1alpha1.Account)) *landfallv1alpha1.Account {
	t.Helper()
	a := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "stall-" + rand.String(5)}}
	a.Spec.Subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: a.Name}}
	if mod != nil {
		mod(a)
	}
	NewWithT(t).Expect(suite.client.Create(context.Background(), a)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), a) })
	return a
}

func stallSpace(t *testing.T, name, account string) *landfallv1alpha1.Space {
	t.Helper()
	s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: landfallv1alpha1.SpaceSpec{Account: account}}
	NewWithT(t).Expect(suite.client.Create(context.Background(), s)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), s) })
	return s
}

// waitSpaceCondition waits until the space's condition typ is True with
// reason.
func waitSpaceCondition(t *testing.T, name, typ, reason string) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		var s landfallv1alpha1.Space
		g.Expect(suite.client.Get(context.Background(), client.ObjectKey{Name: name}, &s)).To(Succeed())
		c := meta.FindStatusCondition(s.Status.Conditions, typ)
		g.Expect(c).NotTo(BeNil(), "%s has no %s condition: %+v", name, typ, s.Status.Conditions)
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue), "%+v", c)
		g.Expect(c.Reason).To(Equal(reason), "%+v", c)
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

func TestSpaceStall_LimitRecoversWhenASpaceGoes(t *testing.T) {
	requireSuite(t)
	ctx := context.Background()
	a := stallAccount(t, func(a *landfallv1alpha1.Account) { a.Spec.Space.Limit = ptr.To[int32](1) })
	first := stallSpace(t, a.Name+"-one", a.Name)
	waitSpaceCondition(t, first.Name, landfallv1alpha1.ReadyCondition, landfallv1alpha1.SpaceReadyReason)
	second := stallSpace(t, a.Name+"-two", a.Name)
	waitSpaceCondition(t, second.Name, landfallv1alpha1.StalledCondition, landfallv1alpha1.SpaceLimitExceededReason)

	NewWithT(t).Expect(suite.client.Delete(ctx, first)).To(Succeed())
	waitSpaceCondition(t, second.Name, landfallv1alpha1.ReadyCondition, landfallv1alpha1.SpaceReadyReason)
}

func TestSpaceStall_RenderFailureRecoversWhenTheTemplateIsFixed(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	tpl := &landfallv1alpha1.Template{ObjectMeta: metav1.ObjectMeta{Name: "needs-" + rand.String(5)}}
	tpl.Spec.Parameters = []landfallv1alpha1.TemplateParameter{{Name: "OWNER", Required: true}}
	tpl.Spec.Resources = []runtime.RawExtension{{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner"},"data":{"owner":"${OWNER}"}}`)}}
	g.Expect(suite.client.Create(ctx, tpl)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), tpl) })
	a := stallAccount(t, func(a *landfallv1alpha1.Account) {
		a.Spec.Space.Templates = []landfallv1alpha1.TemplateReference{{Name: tpl.Name}}
	})
	s := stallSpace(t, a.Name+"-web", a.Name)
	waitSpaceCondition(t, s.Name, landfallv1alpha1.StalledCondition, landfallv1alpha1.RenderFailedReason)

	g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(tpl), tpl)).To(Succeed())
	tpl.Spec.Parameters[0].Default = ptr.To("platform")
	g.Expect(suite.client.Update(ctx, tpl)).To(Succeed())
	waitSpaceCondition(t, s.Name, landfallv1alpha1.ReadyCondition, landfallv1alpha1.SpaceReadyReason)
}

func TestSpaceStall_NamespaceConflictRecoversWhenTheNamespaceGoes(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	a := stallAccount(t, nil)
	foreign := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: a.Name + "-taken"}}
	g.Expect(suite.client.Create(ctx, foreign)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), foreign) })
	s := stallSpace(t, foreign.Name, a.Name)
	waitSpaceCondition(t, s.Name, landfallv1alpha1.StalledCondition, landfallv1alpha1.NamespaceConflictReason)

	g.Expect(suite.client.Delete(ctx, foreign)).To(Succeed())
	waitSpaceCondition(t, s.Name, landfallv1alpha1.ReadyCondition, landfallv1alpha1.SpaceReadyReason)
}
