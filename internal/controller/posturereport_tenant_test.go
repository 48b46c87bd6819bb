package controller

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestPostureReportReconciler_TenantSeesOwnSpaces checks, with the real
// tenant user alice (group team-a, client certificate) and the API
// server's RBAC, that an account's subjects read the PostureFindings of
// their space through landfall-space-admin and nothing else: not another
// namespace's, not across namespaces, not the cluster-wide PostureReport,
// and that they cannot delete their findings. bob, of another team, reads
// none.
func TestPostureReportReconciler_TenantSeesOwnSpaces(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := t.Context()
	ensurePostureReport(t)

	account := &landfallv1alpha1.Account{
		ObjectMeta: metav1.ObjectMeta{Name: "posture-" + randomName()},
		Spec: landfallv1alpha1.AccountSpec{Subjects: []rbacv1.Subject{
			{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "team-a"},
		}},
	}
	g.Expect(suite.client.Create(ctx, account)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(t.Context(), account) })
	space := &landfallv1alpha1.Space{
		ObjectMeta: metav1.ObjectMeta{Name: account.Name + "-web"},
		Spec:       landfallv1alpha1.SpaceSpec{Account: account.Name},
	}
	g.Expect(suite.client.Create(ctx, space)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(t.Context(), space) })
	g.Eventually(func(g Gomega) {
		g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(space), space)).To(Succeed())
		g.Expect(space.Status.AccessGranted).To(BeTrue())
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())

	// A privileged pod in the space and one in a namespace of nobody's.
	mine, other := space.Name, cleanNamespace(t)
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: mine, Name: "app"}, AutomountServiceAccountToken: ptr.To(false)}
	g.Expect(suite.client.Create(ctx, sa)).To(Succeed())
	g.Eventually(func() error {
		return suite.client.Create(ctx, privilegedPod(mine, "privileged"))
	}, 10*time.Second, 100*time.Millisecond).Should(Succeed())
	g.Expect(suite.client.Create(ctx, privilegedPod(other, "privileged"))).To(Succeed())
	for _, ns := range []string{mine, other} {
		g.Eventually(func() error {
			return suite.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: landfallv1alpha1.PostureFindingsName}, &landfallv1alpha1.PostureFindings{})
		}, 30*time.Second, 200*time.Millisecond).Should(Succeed(), "findings in %s", ns)
	}

	alice := userClient(t, "alice")
	var list landfallv1alpha1.PostureFindingsList
	// The findings object may come from a scan before the pod existed
	// (the space's creation triggers one): wait for the scan that saw it.
	g.Eventually(func(g Gomega) {
		g.Expect(alice.List(ctx, &list, client.InNamespace(mine))).To(Succeed())
		g.Expect(list.Items).To(HaveLen(1))
		g.Expect(list.Items[0].Namespace).To(Equal(mine))
		g.Expect(findingKeys(list.Items[0].Findings)).To(ContainElement(findingKey{
			"privileged-container", "critical",
			landfallv1alpha1.PostureObjectReference{APIVersion: "v1", Kind: "Pod", Namespace: mine, Name: "privileged"},
			"spec.containers[0].securityContext.privileged",
		}))
	}, 60*time.Second, 250*time.Millisecond).Should(Succeed())
	// The namespace's own findings (no NetworkPolicy, no Pod Security
	// label: a space without templates) are hers to see too.
	g.Expect(findingKeys(list.Items[0].Findings)).To(ContainElement(HaveField("Object", landfallv1alpha1.PostureObjectReference{
		APIVersion: "v1", Kind: "Namespace", Name: mine,
	})))

	forbidden := []struct {
		what string
		err  error
	}{
		{"get another namespace's findings", alice.Get(ctx, client.ObjectKey{Namespace: other, Name: landfallv1alpha1.PostureFindingsName}, &landfallv1alpha1.PostureFindings{})},
		{"list another namespace's findings", alice.List(ctx, &landfallv1alpha1.PostureFindingsList{}, client.InNamespace(other))},
		{"list findings across namespaces", alice.List(ctx, &landfallv1alpha1.PostureFindingsList{})},
		{"get the PostureReport", alice.Get(ctx, client.ObjectKey{Name: landfallv1alpha1.PostureReportName}, &landfallv1alpha1.PostureReport{})},
		{"list PostureReports", alice.List(ctx, &landfallv1alpha1.PostureReportList{})},
		{"delete her own findings", alice.Delete(ctx, &landfallv1alpha1.PostureFindings{ObjectMeta: metav1.ObjectMeta{Namespace: mine, Name: landfallv1alpha1.PostureFindingsName}})},
		{"bob: list alice's findings", userClient(t, "bob").List(ctx, &landfallv1alpha1.PostureFindingsList{}, client.InNamespace(mine))},
	}
	for _, f := range forbidden {
		g.Expect(apierrors.IsForbidden(f.err)).To(BeTrue(), "%s: want 403, got %v", f.what, f.err)
	}
}

// userClient returns a client acting as a sample user of the control
// plane, authenticated by its client certificate.
func userClient(t *testing.T, name string) client.Client {
	t.Helper()
	cfg, err := suite.hub.UserConfig(name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: newScheme()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
