package webhook_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestAccountQuota_UsageShowsOnTheAccount: the account's subjects may
// read their Account but not its AccountQuotas, so the Account's status
// carries each quota's limits and counted usage, and follows it.
func TestAccountQuota_UsageShowsOnTheAccount(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	admin, alice := adminClient(t), userClient(t, "alice")
	s, quota := quotaSpace(t, "acct", corev1.ResourceList{"count/configmaps": resource.MustParse("3")})
	account := client.ObjectKey{Name: quota.Spec.Account}

	// What alice reads of her account's quotas.
	quotas := func() []landfallv1alpha1.AccountQuotaUsage {
		var a landfallv1alpha1.Account
		if err := alice.Get(ctx, account, &a); err != nil {
			return nil
		}
		return a.Status.Quotas
	}
	// alice may not read the AccountQuota itself.
	g.Expect(alice.Get(ctx, client.ObjectKeyFromObject(quota), &landfallv1alpha1.AccountQuota{})).NotTo(Succeed())

	g.Eventually(func() error {
		return alice.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: "one"}})
	}).WithTimeout(20 * time.Second).Should(Succeed())
	// The root CA bundle and hers.
	g.Eventually(usedOf(ctx, admin, quota, "count/configmaps")).WithTimeout(30 * time.Second).Should(BeEquivalentTo(2))
	g.Eventually(quotas).WithTimeout(30 * time.Second).Should(HaveExactElements(landfallv1alpha1.AccountQuotaUsage{
		Name: quota.Name,
		Hard: corev1.ResourceList{"count/configmaps": resource.MustParse("3")},
		Used: corev1.ResourceList{"count/configmaps": resource.MustParse("2")},
	}))

	g.Expect(admin.Delete(ctx, quota)).To(Succeed())
	g.Eventually(quotas).WithTimeout(30 * time.Second).Should(BeEmpty())
}
