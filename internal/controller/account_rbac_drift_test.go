package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

// TestAccountReconciler_RBACDriftPredicate: the account follows deletes
// of its ClusterRole and ClusterRoleBinding and writes by anyone else,
// and not its own applies (which would double its reconciles).
func TestAccountReconciler_RBACDriftPredicate(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	role := func(managers ...string) *rbacv1.ClusterRole {
		r := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "landfall-account-a"}}
		for _, m := range managers {
			r.ManagedFields = append(r.ManagedFields, metav1.ManagedFieldsEntry{Manager: m, Operation: metav1.ManagedFieldsOperationApply})
		}
		return r
	}
	p := rbacDriftPredicate()
	g.Expect(p.Create(event.CreateEvent{Object: role(tenancy.FieldManager)})).To(BeFalse())
	g.Expect(p.Update(event.UpdateEvent{ObjectOld: role(tenancy.FieldManager), ObjectNew: role(tenancy.FieldManager)})).To(BeFalse())
	g.Expect(p.Update(event.UpdateEvent{ObjectOld: role(tenancy.FieldManager), ObjectNew: role(tenancy.FieldManager, "kubectl-edit")})).To(BeTrue())
	g.Expect(p.Update(event.UpdateEvent{ObjectOld: role(tenancy.FieldManager), ObjectNew: role("kubectl-client-side-apply")})).To(BeTrue())
	g.Expect(p.Delete(event.DeleteEvent{Object: role(tenancy.FieldManager)})).To(BeTrue())
}
