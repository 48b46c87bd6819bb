package controller

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// TestRecountInterval: only quotas counting usage that changes without an
// event (Secret deletes, pods that finish) are recounted on a timer.
func TestRecountInterval(t *testing.T) {
	g := NewWithT(t)
	one := resource.MustParse("1")
	for _, names := range [][]corev1.ResourceName{
		{corev1.ResourceSecrets}, {"count/secrets"}, {corev1.ResourcePods}, {"count/pods"},
		{corev1.ResourceRequestsCPU}, {corev1.ResourceLimitsMemory}, {corev1.ResourceServices, corev1.ResourceSecrets},
	} {
		hard := corev1.ResourceList{}
		for _, n := range names {
			hard[n] = one
		}
		g.Expect(recountInterval(hard, time.Minute)).To(Equal(time.Minute), "%v", names)
	}
	for _, names := range [][]corev1.ResourceName{
		nil, {corev1.ResourceServices}, {"count/configmaps"}, {corev1.ResourceRequestsStorage}, {"count/deployments.apps"},
	} {
		hard := corev1.ResourceList{}
		for _, n := range names {
			hard[n] = one
		}
		g.Expect(recountInterval(hard, time.Minute)).To(BeZero(), "%v", names)
	}
}
