package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestAccountReconciler_QuotaUsagePredicate: the Account follows what its
// status shows of a quota, and not the reservation every admitted create
// writes.
func TestAccountReconciler_QuotaUsagePredicate(t *testing.T) {
	t.Parallel()
	base := func() *landfallv1alpha1.AccountQuota {
		q := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: "q", Generation: 1}}
		q.Spec.Account = "team-a"
		q.Spec.Quota.Hard = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("5")}
		q.Status.Hard = q.Spec.Quota.Hard.DeepCopy()
		q.Status.Used = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}
		return q
	}
	for name, tc := range map[string]struct {
		change func(*landfallv1alpha1.AccountQuota)
		want   bool
	}{
		"a reservation": {change: func(q *landfallv1alpha1.AccountQuota) {
			q.Status.Reservations = append(q.Status.Reservations, landfallv1alpha1.QuotaReservation{Namespace: "s", Resource: "pods", Name: "p"})
		}},
		"a condition": {change: func(q *landfallv1alpha1.AccountQuota) {
			q.Status.Conditions = []metav1.Condition{{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionTrue}}
		}},
		"the same usage, written differently": {change: func(q *landfallv1alpha1.AccountQuota) {
			q.Status.Used = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1000m")}
		}},
		"used": {want: true, change: func(q *landfallv1alpha1.AccountQuota) {
			q.Status.Used = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("2")}
		}},
		"status hard": {want: true, change: func(q *landfallv1alpha1.AccountQuota) {
			q.Status.Hard = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("6")}
		}},
		"spec hard": {want: true, change: func(q *landfallv1alpha1.AccountQuota) {
			q.Spec.Quota.Hard = corev1.ResourceList{corev1.ResourceServices: resource.MustParse("6")}
		}},
		"another account": {want: true, change: func(q *landfallv1alpha1.AccountQuota) { q.Spec.Account = "team-b" }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			n := base()
			tc.change(n)
			NewWithT(t).Expect(accountQuotaUsageChanged().Update(event.UpdateEvent{ObjectOld: base(), ObjectNew: n})).To(Equal(tc.want))
		})
	}
	g := NewWithT(t)
	g.Expect(accountQuotaUsageChanged().Create(event.CreateEvent{Object: base()})).To(BeTrue())
	g.Expect(accountQuotaUsageChanged().Delete(event.DeleteEvent{Object: base()})).To(BeTrue())
}
