package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/controller"
)

// TestSpace_OwnTemplateCannotOverrideAMandatoryOne: a tenant who adds a
// template of their own to a Space, one that sets a weaker Pod Security
// level and replaces the baseline's NetworkPolicy, gets a stalled space
// saying why, and nothing applied: no namespace, no access.
func TestSpace_OwnTemplateCannotOverrideAMandatoryOne(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	loose := &landfallv1alpha1.Template{ObjectMeta: metav1.ObjectMeta{Name: name("loose")}}
	loose.Spec.NamespaceLabels = map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}
	loose.Spec.Resources = []runtime.RawExtension{{Raw: []byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"default-deny-ingress"},"spec":{"podSelector":{},"ingress":[{}]}}`)}}
	g.Expect(admin.Create(ctx, loose)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, loose) })
	account := newAccount(t, "team-a")

	space := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: name("own")}, Spec: landfallv1alpha1.SpaceSpec{
		Account: account.Name, Templates: []landfallv1alpha1.TemplateReference{{Name: loose.Name}},
	}}
	g.Expect(alice.Create(ctx, space)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, space) })

	g.Eventually(func(g Gomega) {
		g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(space), space)).To(Succeed())
		stalled := meta.FindStatusCondition(space.Status.Conditions, landfallv1alpha1.StalledCondition)
		g.Expect(stalled).NotTo(BeNil())
		g.Expect(stalled.Reason).To(Equal(landfallv1alpha1.TemplateConflictReason))
		g.Expect(stalled.Message).To(And(
			ContainSubstring(`templates baseline and `+loose.Name+` set namespace label pod-security.kubernetes.io/enforce to "restricted" and "privileged"`),
			ContainSubstring("templates baseline and "+loose.Name+" both create NetworkPolicy default-deny-ingress")))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Expect(meta.IsStatusConditionFalse(space.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
	g.Consistently(func() bool {
		return apierrors.IsNotFound(admin.Get(ctx, client.ObjectKey{Name: space.Name}, &corev1.Namespace{}))
	}).WithTimeout(2*time.Second).Should(BeTrue(), "a namespace was created for a space whose templates conflict")
	err := admin.Get(ctx, client.ObjectKey{Namespace: space.Name, Name: controller.SpaceRoleBindingName}, &rbacv1.RoleBinding{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "alice was bound: %v", err)

	// Tenants may not update Spaces; a platform admin who drops the
	// template brings the space up, restricted.
	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(space), space)).To(Succeed())
	space.Spec.Templates = nil
	g.Expect(admin.Update(ctx, space)).To(Succeed())
	waitSpaceReady(t, space.Name)
	ns := &corev1.Namespace{}
	g.Expect(admin.Get(ctx, client.ObjectKey{Name: space.Name}, ns)).To(Succeed())
	g.Expect(ns.Labels).To(HaveKeyWithValue("pod-security.kubernetes.io/enforce", "restricted"))
}
