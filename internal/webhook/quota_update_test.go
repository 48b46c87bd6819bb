package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/webhook"
)

// TestAccountQuota_UpdatesCannotGoPastIt: an update that raises an
// object's usage reserves the increase as a create does. Before, only
// creates were checked: two ClusterIP Services turned LoadBalancer, or a
// pod resized in place, went past the account's limit.
func TestAccountQuota_UpdatesCannotGoPastIt(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	s, quota := quotaSpace(t, "upd", corev1.ResourceList{
		corev1.ResourceServicesLoadBalancers: resource.MustParse("1"),
		corev1.ResourceRequestsCPU:           resource.MustParse("300m"),
	})
	service := func(name string) *corev1.Service {
		return &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: name},
			Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}},
		}
	}
	// RBAC of the new space may still be settling.
	g.Eventually(func() error { return alice.Create(ctx, service("a")) }).WithTimeout(20 * time.Second).Should(Succeed())
	g.Expect(alice.Create(ctx, service("b"))).To(Succeed())
	toLoadBalancer := func(name string) error {
		svc := &corev1.Service{}
		if err := alice.Get(ctx, client.ObjectKey{Namespace: s.Name, Name: name}, svc); err != nil {
			return err
		}
		patch := client.MergeFrom(svc.DeepCopy())
		svc.Spec.Type = corev1.ServiceTypeLoadBalancer
		return alice.Patch(ctx, svc, patch)
	}
	g.Expect(toLoadBalancer("a")).To(Succeed())
	err := toLoadBalancer("b")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a second load balancer past the account quota: %v", err)
	g.Expect(err.Error()).To(ContainSubstring("exceeded account quota " + quota.Name))

	// Once counted at its new usage, the update's reservation is settled:
	// used holds it instead.
	g.Eventually(usedOf(ctx, admin, quota, corev1.ResourceServicesLoadBalancers)).WithTimeout(30 * time.Second).Should(BeEquivalentTo(1))
	g.Eventually(func() []landfallv1alpha1.QuotaReservation {
		var q landfallv1alpha1.AccountQuota
		g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(quota), &q)).To(Succeed())
		return q.Status.Reservations
	}).WithTimeout(30 * time.Second).Should(BeEmpty())
	// Updates that raise nothing go through at the limit.
	svc := &corev1.Service{}
	g.Expect(alice.Get(ctx, client.ObjectKey{Namespace: s.Name, Name: "a"}, svc)).To(Succeed())
	patch := client.MergeFrom(svc.DeepCopy())
	svc.Labels = map[string]string{"tier": "web"}
	svc.Spec.Ports[0].Port = 8080
	g.Expect(alice.Patch(ctx, svc, patch)).To(Succeed())

	// A pod resized in place past the quota's CPU is denied; within it,
	// allowed.
	pod := restrictedPod(s.Name, "app")
	cpu := func(q string) corev1.ResourceRequirements {
		return corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(q), corev1.ResourceMemory: resource.MustParse("32Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(q), corev1.ResourceMemory: resource.MustParse("32Mi")},
		}
	}
	pod.Spec.Containers[0].Resources = cpu("100m")
	g.Expect(alice.Create(ctx, pod)).To(Succeed())
	resize := func(q string) error {
		p := &corev1.Pod{}
		if err := admin.Get(ctx, client.ObjectKeyFromObject(pod), p); err != nil {
			return err
		}
		patch := client.MergeFrom(p.DeepCopy())
		p.Spec.Containers[0].Resources = cpu(q)
		return admin.SubResource("resize").Patch(ctx, p, patch)
	}
	err = resize("400m")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a resize past the account quota: %v", err)
	g.Expect(err.Error()).To(ContainSubstring("exceeded account quota " + quota.Name))
	g.Expect(resize("250m")).To(Succeed())
}

// TestAccountQuota_UpdatesThatRaiseNothingSkipTheWebhook: the API server
// calls the fail-closed quota webhook only for updates of the fields
// usage is made of (usageFieldsChanged). Binding a claim to its volume,
// which the volume binder does to every claim, or relabelling a Service
// does not depend on the manager being up.
func TestAccountQuota_UpdatesThatRaiseNothingSkipTheWebhook(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	s, _ := quotaSpace(t, "skip", corev1.ResourceList{corev1.ResourceServicesLoadBalancers: resource.MustParse("5")})
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: "web"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}},
	}
	claim := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	// RBAC of the new space may still be settling.
	g.Eventually(func() error { return alice.Create(ctx, svc) }).WithTimeout(20 * time.Second).Should(Succeed())
	g.Expect(alice.Create(ctx, claim)).To(Succeed())

	calls := quotaWebhookCalls(g)
	patch := client.MergeFrom(claim.DeepCopy())
	claim.Spec.VolumeName = "pv-" + s.Name
	g.Expect(admin.Patch(ctx, claim, patch)).To(Succeed())
	patch = client.MergeFrom(svc.DeepCopy())
	svc.Labels = map[string]string{"tier": "web"}
	svc.Spec.SessionAffinity = corev1.ServiceAffinityClientIP
	g.Expect(alice.Patch(ctx, svc, patch)).To(Succeed())
	g.Expect(quotaWebhookCalls(g)).To(Equal(calls), "an update that raises nothing called the quota webhook")

	patch = client.MergeFrom(svc.DeepCopy())
	svc.Spec.Type = corev1.ServiceTypeLoadBalancer
	g.Expect(alice.Patch(ctx, svc, patch)).To(Succeed())
	g.Expect(quotaWebhookCalls(g)).To(BeNumerically(">", calls), "a Service made a LoadBalancer did not call the quota webhook")
}

// quotaWebhookCalls returns how many requests the quota webhook has
// served, from controller-runtime's webhook metrics.
func quotaWebhookCalls(g Gomega) float64 {
	families, err := ctrlmetrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	var n float64
	for _, f := range families {
		if f.GetName() != "controller_runtime_webhook_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "webhook" && l.GetValue() == webhook.QuotaValidatePath {
					n += m.GetCounter().GetValue()
				}
			}
		}
	}
	return n
}
