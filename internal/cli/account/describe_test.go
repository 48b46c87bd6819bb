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

// TestPrint_AccountBeingDeletedSaysSo: list says Terminating for an
// account whose spaces are still going, and describe says why it is not
// Ready; a Ready account's line stays short.
func TestPrint_AccountBeingDeletedSaysSo(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	now := metav1.Now()
	deleting := landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "team-a", DeletionTimestamp: &now, Finalizers: []string{"landfall.dev/account"}}}
	deleting.Status.Spaces, deleting.Status.SpaceCount = []string{"team-a-web"}, 1
	deleting.Status.Conditions = []metav1.Condition{{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionFalse,
		Reason: landfallv1alpha1.DeletingReason, Message: "deleting 1 space(s) and their namespaces"}}
	ok := landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "team-b"}}
	ok.Status.Conditions = []metav1.Condition{{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionTrue, Reason: landfallv1alpha1.AccountReadyReason, Message: "0 space(s)"}}

	var list bytes.Buffer
	g.Expect(printList(&list, []landfallv1alpha1.Account{deleting, ok})).To(Succeed())
	g.Expect(list.String()).To(MatchRegexp(`(?m)^team-a\s.*\s1\s+-\s+Terminating$`))
	g.Expect(list.String()).To(MatchRegexp(`(?m)^team-b\s.*\sTrue$`))

	var out bytes.Buffer
	g.Expect(printDescribe(&out, &deleting)).To(Succeed())
	g.Expect(out.String()).To(ContainSubstring("Ready:         Terminating (Deleting: deleting 1 space(s) and their namespaces)\n"))
	out.Reset()
	g.Expect(printDescribe(&out, &ok)).To(Succeed())
	g.Expect(out.String()).To(ContainSubstring("Ready:         True\n"))
}
