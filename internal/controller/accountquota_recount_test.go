package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// TestRecountInterval: only quotas that limit Secrets, whose deletes
// bring no event, are recounted on a timer.
func TestRecountInterval(t *testing.T) {
	g := NewWithT(t)
	one := resource.MustParse("1")
	g.Expect(recountInterval(corev1.ResourceList{corev1.ResourcePods: one, "count/configmaps": one})).To(BeZero())
	g.Expect(recountInterval(corev1.ResourceList{corev1.ResourcePods: one, corev1.ResourceSecrets: one})).To(Equal(secretRecountInterval))
	g.Expect(recountInterval(corev1.ResourceList{"count/secrets": one})).To(Equal(secretRecountInterval))
	g.Expect(recountInterval(nil)).To(BeZero())
}
