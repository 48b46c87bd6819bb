package webhook_test

import (
	"slices"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// TestAccountRBAC_DriftIsRevertedAtOnce: the per-account ClusterRole and
// ClusterRoleBinding are restored as soon as someone else deletes or
// edits them, with no change to the Account, its spaces or its quotas to
// bring a reconcile. Before the manager watched them, a deleted binding
// locked the subjects out of their Account until the account next
// changed, and removing its subjects did the same until a minute after
// the account's next change.
func TestAccountRBAC_DriftIsRevertedAtOnce(t *testing.T) {
	startManager(t)
	g := NewWithT(t)
	ctx := t.Context()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	key := types.NamespacedName{Name: controller.AccountRoleName(account.Name)}
	aliceReadsHerAccount := func() error { return alice.Get(ctx, client.ObjectKeyFromObject(account), &landfallv1alpha1.Account{}) }
	g.Eventually(aliceReadsHerAccount).WithTimeout(20 * time.Second).Should(Succeed())

	var binding rbacv1.ClusterRoleBinding
	g.Expect(admin.Get(ctx, key, &binding)).To(Succeed())
	g.Expect(admin.Delete(ctx, &binding)).To(Succeed())
	g.Eventually(func(g Gomega) {
		var again rbacv1.ClusterRoleBinding
		g.Expect(admin.Get(ctx, key, &again)).To(Succeed())
		g.Expect(again.UID).NotTo(Equal(binding.UID))
	}).WithTimeout(20 * time.Second).Should(Succeed())
	g.Eventually(aliceReadsHerAccount).WithTimeout(20 * time.Second).Should(Succeed())

	// A patch that only removes fields leaves no managedFields entry of
	// its own: removing the subjects locks them out as surely.
	g.Expect(admin.Patch(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: key.Name}},
		client.RawPatch(types.JSONPatchType, []byte(`[{"op":"remove","path":"/subjects"}]`)))).To(Succeed())
	g.Eventually(func(g Gomega) {
		var now rbacv1.ClusterRoleBinding
		g.Expect(admin.Get(ctx, key, &now)).To(Succeed())
		g.Expect(now.Subjects).To(HaveLen(1))
	}).WithTimeout(20 * time.Second).Should(Succeed())
	g.Eventually(aliceReadsHerAccount).WithTimeout(20 * time.Second).Should(Succeed())

	// Taking the role's account label away (the manager caches only
	// ClusterRoles that carry it) is undone too.
	g.Expect(admin.Patch(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: key.Name}},
		client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"labels":{"`+tenancy.LabelAccount+`":null}}}`)))).To(Succeed())
	g.Eventually(func(g Gomega) {
		var now rbacv1.ClusterRole
		g.Expect(admin.Get(ctx, key, &now)).To(Succeed())
		g.Expect(now.Labels).To(HaveKeyWithValue(tenancy.LabelAccount, account.Name))
	}).WithTimeout(20 * time.Second).Should(Succeed())

	// An edit that widens the role (list every namespace) is taken back.
	var role rbacv1.ClusterRole
	g.Expect(admin.Get(ctx, key, &role)).To(Succeed())
	want := role.Rules
	role.Rules = append(slices.Clone(role.Rules), rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"list"}})
	g.Expect(admin.Update(ctx, &role, client.FieldOwner("kubectl-edit"))).To(Succeed())
	g.Eventually(func(g Gomega) {
		var now rbacv1.ClusterRole
		g.Expect(admin.Get(ctx, key, &now)).To(Succeed())
		g.Expect(now.Rules).To(Equal(want))
		managers := []string{}
		for _, f := range now.ManagedFields {
			managers = append(managers, f.Manager)
		}
		g.Expect(managers).To(ConsistOf(tenancy.FieldManager))
	}).WithTimeout(20 * time.Second).Should(Succeed())
}
