package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestAccountQuota_ServiceMadeClusterIPFreesItsLoadBalancerAtOnce: an
// update that lowers usage is recounted as a delete is, not at the next
// periodic recount (30 s here), so a tenant at the limit who turns one
// load balancer back into a ClusterIP Service can make another.
func TestAccountQuota_ServiceMadeClusterIPFreesItsLoadBalancerAtOnce(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	a := stallAccount(t, nil)
	s := stallSpace(t, a.Name+"-web", a.Name)
	waitSpaceCondition(t, s.Name, landfallv1alpha1.ReadyCondition, landfallv1alpha1.SpaceReadyReason)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: "web"},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80}}},
	}
	g.Expect(suite.client.Create(ctx, svc)).To(Succeed())
	quota := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: a.Name}}
	quota.Spec.Account = a.Name
	quota.Spec.Quota.Hard = corev1.ResourceList{corev1.ResourceServicesLoadBalancers: resource.MustParse("1")}
	g.Expect(suite.client.Create(ctx, quota)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(context.Background(), quota) })
	loadBalancers := func() int64 {
		var q landfallv1alpha1.AccountQuota
		if err := suite.client.Get(ctx, client.ObjectKeyFromObject(quota), &q); err != nil {
			return -1
		}
		u, ok := q.Status.Used[corev1.ResourceServicesLoadBalancers]
		if !ok {
			return -1
		}
		return u.Value()
	}
	g.Eventually(loadBalancers).WithTimeout(20 * time.Second).Should(BeEquivalentTo(1))

	patch := client.MergeFrom(svc.DeepCopy())
	svc.Spec.Type = corev1.ServiceTypeClusterIP
	g.Expect(suite.client.Patch(ctx, svc, patch)).To(Succeed())
	g.Eventually(loadBalancers).WithTimeout(10*time.Second).Should(BeEquivalentTo(0), "the recount waited for its interval")
}
