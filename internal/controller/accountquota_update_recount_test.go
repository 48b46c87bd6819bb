package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

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

// TestUsageChangedPredicate: only updates that change a Service's or
// claim's usage bring a recount; a status or annotation update does not.
func TestUsageChangedPredicate(t *testing.T) {
	g := NewWithT(t)
	p := usageChangedPredicate(schema.GroupResource{Resource: "services"})
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "web"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80}}}}
	annotated := svc.DeepCopy()
	annotated.Annotations = map[string]string{"team": "web"}
	annotated.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "10.0.0.1"}}
	g.Expect(p.Update(event.UpdateEvent{ObjectOld: svc, ObjectNew: annotated})).To(BeFalse(), "a status or annotation update")
	clusterIP := svc.DeepCopy()
	clusterIP.Spec.Type = corev1.ServiceTypeClusterIP
	g.Expect(p.Update(event.UpdateEvent{ObjectOld: svc, ObjectNew: clusterIP})).To(BeTrue(), "a load balancer made a ClusterIP Service")
	g.Expect(p.Delete(event.DeleteEvent{Object: svc})).To(BeTrue())
	g.Expect(p.Create(event.CreateEvent{Object: svc})).To(BeFalse(), "creates are reserved at admission")

	claims := usageChangedPredicate(schema.GroupResource{Resource: "persistentvolumeclaims"})
	claim := &corev1.PersistentVolumeClaim{Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("3Gi")}}}}
	claim.Status.AllocatedResources = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("3Gi")}
	bound := claim.DeepCopy()
	bound.Spec.VolumeName = "pv-1"
	bound.Status.Phase = corev1.ClaimBound
	g.Expect(claims.Update(event.UpdateEvent{ObjectOld: claim, ObjectNew: bound})).To(BeFalse(), "a claim bound to its volume")
	rolledBack := claim.DeepCopy()
	rolledBack.Status.AllocatedResources = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}
	rolledBack.Spec.Resources.Requests = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}
	g.Expect(claims.Update(event.UpdateEvent{ObjectOld: claim, ObjectNew: rolledBack})).To(BeTrue(), "a claim whose expansion was rolled back")
}
