package localcluster_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCluster_ResourceQuotaRejectsOverQuota(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t)
	admin := env.Admin(t)

	// The two secrets exist before the quota: the quota controller's
	// first count then includes both. (Created after it, admission counts
	// each into the status, but a recount from an informer that had not
	// seen the second yet could write 1, and nothing recounts before the
	// controller's five-minute resync: seen in CI.)
	for _, name := range []string{"one", "two"} {
		_, err := admin.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
	quota := &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "two-secrets", Namespace: ns},
		Spec:       corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"count/secrets": resource.MustParse("2")}},
	}
	_, err := admin.CoreV1().ResourceQuotas(ns).Create(t.Context(), quota, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	// The controller-manager's quota controller computes usage; admission
	// refuses every write until it has.
	g.Eventually(func() int64 {
		q, err := admin.CoreV1().ResourceQuotas(ns).Get(t.Context(), quota.Name, metav1.GetOptions{})
		if err != nil {
			return -1
		}
		used, ok := q.Status.Used["count/secrets"]
		if !ok {
			return -1
		}
		return used.Value()
	}, 30*time.Second, 100*time.Millisecond).Should(BeEquivalentTo(2), "quota status never counted both secrets: is the quota controller running?")
	_, err = admin.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "three", Namespace: ns}}, metav1.CreateOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "third secret must be refused, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring("exceeded quota"))
}
