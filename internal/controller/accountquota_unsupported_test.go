package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// TestAccountQuota_UnsupportedLimitsStallButTheRestHolds: a limit the
// webhook does not reserve (a count of PodDisruptionBudgets, scopes) is
// reported, by name, as not enforced; the supported limits are still
// counted and the ledger still settles, so a failed create's reservation
// does not hold the account's pods back for good.
func TestAccountQuota_UnsupportedLimitsStallButTheRestHolds(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	q := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: "odd-" + rand.String(5)}}
	q.Spec.Account = "acct-" + rand.String(5)
	q.Spec.Quota.Hard = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("2"), "count/poddisruptionbudgets.policy": resource.MustParse("1")}
	q.Spec.Quota.Scopes = []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort}
	g.Expect(suite.client.Create(ctx, q)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), q) })

	var stalled *metav1.Condition
	g.Eventually(func(g Gomega) {
		g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(q), q)).To(Succeed())
		stalled = meta.FindStatusCondition(q.Status.Conditions, landfallv1alpha1.StalledCondition)
		g.Expect(stalled).NotTo(BeNil())
	}).WithTimeout(20 * time.Second).Should(Succeed())
	g.Expect(stalled.Reason).To(Equal(landfallv1alpha1.UnsupportedLimitsReason))
	g.Expect(stalled.Message).To(Equal("not enforced: count/poddisruptionbudgets.policy, scopes (limits hold for every object); the others are (see kubectl explain accountquota.spec.quota)"))
	g.Expect(q.Status.Hard).To(HaveLen(1))
	g.Expect(q.Status.Hard).To(HaveKey(corev1.ResourcePods), "status.hard holds what is enforced")
	g.Expect(q.Status.Used).To(HaveKey(corev1.ResourcePods), "the supported limit is counted")

	// A reservation whose create failed long ago is settled away.
	patch := client.MergeFrom(q.DeepCopy())
	q.Status.Reservations = []landfallv1alpha1.QuotaReservation{{
		Namespace: "gone", Resource: "pods", Name: "never-created",
		Usage: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}, Created: metav1.NewTime(time.Now().Add(-2 * tenancy.ReservationTTL)),
	}}
	g.Expect(suite.client.Status().Patch(ctx, q, patch)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(q), q)).To(Succeed())
		g.Expect(q.Status.Reservations).To(BeEmpty())
	}).WithTimeout(20 * time.Second).Should(Succeed())
}
