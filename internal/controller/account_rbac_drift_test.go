package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
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
