package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

func TestGuardrails_TenantCannotForgeLabelsOrDeleteTemplateObjects(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	space, err := newSpace(t, alice, account.Name, "guard")
	g.Expect(err).NotTo(HaveOccurred())
	waitSpaceReady(t, space.Name)

	// Give alice the right to patch her namespace, so RBAC lets the
	// request through and only the webhook can stop the forgery.
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: name("ns-labeler")},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "update", "patch"}}},
	}
	g.Expect(admin.Create(ctx, role)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, role) })
	g.Expect(admin.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: space.Name, Name: "ns-labeler"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice"}},
	})).To(Succeed())

	patchLabel := func(key, value string) error {
		ns := &corev1.Namespace{}
		if err := alice.Get(ctx, client.ObjectKey{Name: space.Name}, ns); err != nil {
			return err
		}
		base := ns.DeepCopy()
		ns.Labels[key] = value
		return alice.Patch(ctx, ns, client.MergeFrom(base))
	}
	g.Eventually(func() error { return patchLabel("team", "web") }).WithTimeout(20*time.Second).Should(Succeed(), "a plain label is the tenant's to set")

	err = patchLabel(tenancy.LabelAccount, "someone-else")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "forging the account label: %v", err)
	g.Expect(err.Error()).To(ContainSubstring("managed by Landfall"))
	err = patchLabel("pod-security.kubernetes.io/enforce", "privileged")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "weakening pod security: %v", err)

	// Template objects: alice's admin role allows deleting NetworkPolicies,
	// the webhook does not.
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: space.Name, Name: tenancy.BaselineDenyIngress}}
	err = alice.Delete(ctx, np)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "deleting the template NetworkPolicy: %v", err)
	g.Expect(err.Error()).To(ContainSubstring("managed by template baseline"))
	lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: space.Name, Name: tenancy.BaselineLimitRange}}
	err = alice.Delete(ctx, lr)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "deleting the template LimitRange: %v", err)

	// Forging the template label on her own object is refused too.
	forged := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: space.Name, Name: "forged", Labels: map[string]string{tenancy.LabelTemplate: "baseline"}}}
	err = alice.Create(ctx, forged)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "creating an object labelled as template-owned: %v", err)

	// Drift is reverted: an admin deleting the LimitRange gets it back.
	g.Expect(admin.Delete(ctx, lr)).To(Succeed())
	g.Eventually(func() error {
		return admin.Get(ctx, client.ObjectKeyFromObject(lr), &corev1.LimitRange{})
	}).WithTimeout(30 * time.Second).Should(Succeed())
}
