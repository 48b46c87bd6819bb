package controller

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestAccountReconciler_RBACDriftPredicate: the account follows deletes
// of its ClusterRole and ClusterRoleBinding and every write that is not
// one of its own applies, also one that only removes fields (which
// leaves no managedFields entry of its own), and not its own applies
// (which would double its reconciles) or objects no Account owns.
func TestAccountReconciler_RBACDriftPredicate(t *testing.T) {
	t.Parallel()
	const uid = types.UID("account-uid")
	object := func(rv string, owned bool) *rbacv1.ClusterRoleBinding {
		b := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "landfall-account-a", ResourceVersion: rv}}
		if owned {
			b.OwnerReferences = []metav1.OwnerReference{{
				APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.AccountKind,
				Name: "a", UID: uid, Controller: new(true),
			}}
		}
		return b
	}
	reconciler := func(applied bool) *AccountReconciler {
		r := &AccountReconciler{}
		if applied {
			r.applied.Store(uid, rbacApplied{roleRV: "10", bindingRV: "11"})
		}
		return r
	}
	p := reconciler(true).rbacDriftPredicate()

	for name, tc := range map[string]struct {
		old, new  *rbacv1.ClusterRoleBinding
		notLoaded bool
		want      bool
	}{
		"its own apply of the binding is dropped":          {old: object("5", true), new: object("11", true)},
		"its own apply of the role is dropped":             {old: object("5", true), new: object("10", true)},
		"someone else's write passes":                      {old: object("11", true), new: object("12", true), want: true},
		"an owner reference removed passes":                {old: object("11", true), new: object("12", false), want: true},
		"an object no Account owns is dropped":             {old: object("1", false), new: object("2", false)},
		"an account the reconciler has not applied passes": {old: object("11", true), new: object("12", true), notLoaded: true, want: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pred := reconciler(!tc.notLoaded).rbacDriftPredicate()
			NewWithT(t).Expect(pred.Update(event.UpdateEvent{ObjectOld: tc.old, ObjectNew: tc.new})).To(Equal(tc.want))
		})
	}
	g := NewWithT(t)
	g.Expect(p.Create(event.CreateEvent{Object: object("11", true)})).To(BeFalse(), "creates are its own")
	g.Expect(p.Delete(event.DeleteEvent{Object: object("11", true)})).To(BeTrue(), "a delete of an owned object")
	g.Expect(p.Delete(event.DeleteEvent{Object: object("11", false)})).To(BeFalse(), "a delete of an object no Account owns")
}

// TestAccountReconciler_RecordsTheVersionsItsAppliesGot: what the drift
// check compares with is the resourceVersion the API server gave each of
// the account's objects for Landfall's apply. Were it not read back (say,
// always empty), every reconcile would see drift and apply again, and
// every one of its own writes would bring another reconcile.
func TestAccountReconciler_RecordsTheVersionsItsAppliesGot(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := t.Context()
	account := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "rv-" + rand.String(5)}}
	account.Spec.Subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "team-rv"}}
	g.Expect(suite.client.Create(ctx, account)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), account) })

	// No spaces: the suite's manager applies the same objects for this
	// account, so whichever apply comes second changes nothing.
	r := &AccountReconciler{Client: suite.client}
	g.Expect(r.reconcileRBAC(ctx, account, nil, "fingerprint")).To(Succeed())
	v, ok := r.applied.Load(account.UID)
	g.Expect(ok).To(BeTrue())
	applied := v.(rbacApplied)
	var role rbacv1.ClusterRole
	var binding rbacv1.ClusterRoleBinding
	g.Expect(suite.client.Get(ctx, client.ObjectKey{Name: AccountRoleName(account.Name)}, &role)).To(Succeed())
	g.Expect(suite.client.Get(ctx, client.ObjectKey{Name: AccountRoleName(account.Name)}, &binding)).To(Succeed())
	g.Expect(applied).To(Equal(rbacApplied{fingerprint: "fingerprint", roleRV: role.ResourceVersion, bindingRV: binding.ResourceVersion}))
	g.Expect(applied.roleRV).NotTo(BeEmpty())
}
