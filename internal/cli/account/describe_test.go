package account

import (
	"bytes"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestPrintDescribe_ShowsQuotaUsageFromTheAccount: the quota lines come
// from the Account's status (a tenant may not read AccountQuotas), one
// resource a line, sorted, with usage not yet counted shown as 0.
func TestPrintDescribe_ShowsQuotaUsageFromTheAccount(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	a := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}
	a.Status.Spaces = []string{"team-a-web"}
	a.Status.Quotas = []landfallv1alpha1.AccountQuotaUsage{{
		Name: "team-a",
		Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("10"), "count/configmaps": resource.MustParse("3")},
		Used: corev1.ResourceList{"count/configmaps": resource.MustParse("2")},
	}}
	var out bytes.Buffer
	g.Expect(printDescribe(&out, a)).To(Succeed())
	g.Expect(out.String()).To(ContainSubstring("Spaces:        team-a-web\n"))
	g.Expect(out.String()).To(HaveSuffix("Quota team-a:\n" +
		"  count/configmaps         2 / 3\n" +
		"  pods                     0 / 10\n"))
}
