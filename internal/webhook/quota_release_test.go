package webhook_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestAccountQuota_DeniedCreateGivesBackWhatItReserved: a create that one
// AccountQuota denies after another reserved it gives that reservation
// back at once; before, it held the account's other spaces back until it
// expired a minute later.
func TestAccountQuota_DeniedCreateGivesBackWhatItReserved(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	var spaces []string
	for _, prefix := range []string{"rel-a", "rel-b"} {
		s, err := newSpace(t, alice, account.Name, prefix)
		g.Expect(err).NotTo(HaveOccurred())
		waitSpaceReady(t, s.Name)
		spaces = append(spaces, s.Name)
	}
	// Taken in name order: pods first, then cpu, which denies.
	pods := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: account.Name + "-a-pods"}}
	pods.Spec.Account = account.Name
	pods.Spec.Quota.Hard = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("3")}
	cpu := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: account.Name + "-b-cpu"}}
	cpu.Spec.Account = account.Name
	cpu.Spec.Quota.Hard = corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("100m")}
	for _, q := range []*landfallv1alpha1.AccountQuota{pods, cpu} {
		g.Expect(admin.Create(ctx, q)).To(Succeed())
		t.Cleanup(func() { _ = admin.Delete(ctx, q) })
		for name := range q.Spec.Quota.Hard {
			g.Eventually(usedOf(ctx, admin, q, name)).WithTimeout(30*time.Second).Should(BeNumerically(">=", 0), "%s never counted", name)
		}
	}
	g.Eventually(func() error {
		return alice.List(ctx, &corev1.PodList{}, client.InNamespace(spaces[1]))
	}).WithTimeout(20 * time.Second).Should(Succeed())

	withCPU := func(namespace, name, cpu string) *corev1.Pod {
		p := restrictedPod(namespace, name)
		p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("32Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("32Mi")},
		}
		return p
	}
	for i := range 3 {
		err := alice.Create(ctx, withCPU(spaces[0], fmt.Sprintf("big-%d", i), "200m"))
		g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		g.Expect(err.Error()).To(ContainSubstring("exceeded account quota " + cpu.Name))
	}
	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(pods), pods)).To(Succeed())
	g.Expect(pods.Status.Reservations).To(BeEmpty(), "denied creates still hold pods")

	// The other space's small pod fits both quotas.
	g.Expect(alice.Create(ctx, withCPU(spaces[1], "small", "10m"))).To(Succeed())
}
