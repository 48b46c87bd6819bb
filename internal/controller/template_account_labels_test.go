package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestTemplateInstance_FollowsTheAccountsLabels: an Account's labels are
// template parameters (${ACCOUNT_LABEL_*}); relabelling the account
// re-renders its spaces' instances. Before, they kept the old value
// until the template itself changed.
func TestTemplateInstance_FollowsTheAccountsLabels(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	tpl := &landfallv1alpha1.Template{ObjectMeta: metav1.ObjectMeta{Name: "billing-" + rand.String(5)}}
	tpl.Spec.Resources = []runtime.RawExtension{{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"billing"},"data":{"costCenter":"${ACCOUNT_LABEL_COST_CENTER}"}}`)}}
	g.Expect(suite.client.Create(ctx, tpl)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), tpl) })
	a := stallAccount(t, func(a *landfallv1alpha1.Account) {
		a.Labels = map[string]string{"cost-center": "cc-100"}
		a.Spec.Space.Templates = []landfallv1alpha1.TemplateReference{{Name: tpl.Name}}
	})
	s := stallSpace(t, a.Name+"-web", a.Name)
	waitSpaceCondition(t, s.Name, landfallv1alpha1.ReadyCondition, landfallv1alpha1.SpaceReadyReason)
	costCenter := func() string {
		var cm corev1.ConfigMap
		if err := suite.client.Get(ctx, client.ObjectKey{Namespace: s.Name, Name: "billing"}, &cm); err != nil {
			return err.Error()
		}
		return cm.Data["costCenter"]
	}
	g.Expect(costCenter()).To(Equal("cc-100"))

	g.Expect(suite.client.Get(ctx, client.ObjectKeyFromObject(a), a)).To(Succeed())
	a.Labels["cost-center"] = "cc-200"
	g.Expect(suite.client.Update(ctx, a)).To(Succeed())
	g.Eventually(costCenter).WithTimeout(20 * time.Second).Should(Equal("cc-200"))
}
