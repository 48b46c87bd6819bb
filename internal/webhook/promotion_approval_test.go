package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// grantPromotions gives user a Role in ns on promotions with verbs.
func grantPromotions(t *testing.T, ns, user string, verbs ...string) {
	t.Helper()
	ctx := context.Background()
	admin := adminClient(t)
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "promotions-" + user},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{landfallv1alpha1.Group}, Resources: []string{"promotions"}, Verbs: verbs}},
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "promotions-" + user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}},
	}
	for _, obj := range []client.Object{role, binding} {
		if err := admin.Create(ctx, obj); err != nil {
			t.Fatalf("creating %T: %v", obj, err)
		}
	}
	// RBAC is eventually consistent.
	NewWithT(t).Eventually(func() error {
		return userClient(t, user).List(ctx, &landfallv1alpha1.PromotionList{}, client.InNamespace(ns))
	}).WithTimeout(10 * time.Second).Should(Succeed())
}

// bindApprover binds landfall-promotion-approver to user in ns, as a
// platform admin does.
func bindApprover(t *testing.T, ns, user string) {
	t.Helper()
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "approver-" + user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "landfall-promotion-approver"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}},
	}
	if err := adminClient(t).Create(context.Background(), rb); err != nil {
		t.Fatalf("binding approver: %v", err)
	}
}

// approve sets spec.approval as c.
func approve(c client.Client, p *landfallv1alpha1.Promotion, approved bool, approver string) error {
	ctx := context.Background()
	if err := c.Get(ctx, client.ObjectKeyFromObject(p), p); err != nil {
		return err
	}
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.Approval = &landfallv1alpha1.PromotionApproval{Approved: approved, Approver: approver}
	return c.Patch(ctx, p, patch)
}

// TestPromotionApproval_IsAnRBACCheckedAction: setting or changing a
// Promotion's approval needs the verb approve on promotions in its
// namespace, in one's own name; everything else about a Promotion is
// left to plain RBAC.
func TestPromotionApproval_IsAnRBACCheckedAction(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	ns := env.Namespace(t)
	// Both may edit promotions; only alice may approve them.
	grantPromotions(t, ns, "bob", "get", "list", "create", "patch", "update")
	grantPromotions(t, ns, "alice", "get", "list", "create", "patch", "update", landfallv1alpha1.PromotionApproveVerb)
	alice, bob := userClient(t, "alice"), userClient(t, "bob")

	p := &landfallv1alpha1.Promotion{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web-prod"},
		Spec:       landfallv1alpha1.PromotionSpec{Application: "web", From: "staging", To: "prod"},
	}
	g.Expect(bob.Create(ctx, p)).To(Succeed(), "creating an unapproved promotion needs no approve verb")

	err := approve(bob, p, true, "bob")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring(`user bob may not approve promotions in namespace ` + ns + `: it needs the verb "approve" on promotions.landfall.dev`))

	err = approve(bob, p, true, "alice")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring(`spec.approval.approver must be the approving user's name, "bob", not "alice"`))

	err = approve(alice, p, true, "bob")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "an approver signs in their own name: %v", err)

	g.Expect(approve(alice, p, true, "alice")).To(Succeed())
	got := &landfallv1alpha1.Promotion{}
	g.Expect(adminClient(t).Get(ctx, client.ObjectKeyFromObject(p), got)).To(Succeed())
	g.Expect(got.Spec.Approval).To(Equal(&landfallv1alpha1.PromotionApproval{Approved: true, Approver: "alice"}))

	// bob cannot withdraw it either, but may change what is not the
	// approval.
	err = approve(bob, p, false, "bob")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
	patch := client.MergeFrom(got.DeepCopy())
	got.Labels = map[string]string{"release": "1.4"}
	g.Expect(bob.Patch(ctx, got, patch)).To(Succeed())

	// A promotion created already approved is checked the same way.
	pre := &landfallv1alpha1.Promotion{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web-prod-2"},
		Spec: landfallv1alpha1.PromotionSpec{Application: "web", From: "staging", To: "prod",
			Approval: &landfallv1alpha1.PromotionApproval{Approved: true, Approver: "bob"}},
	}
	err = bob.Create(ctx, pre)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
	pre.Spec.Approval.Approver = "alice"
	g.Expect(alice.Create(ctx, pre)).To(Succeed())
}
