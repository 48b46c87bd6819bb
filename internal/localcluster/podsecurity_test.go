package localcluster_test

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func privilegedPod(ns string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "priv", Namespace: ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Image: "registry.example/app:1.0",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		}}},
	}
}

func TestCluster_PodSecurityRejectsPrivilegedPod(t *testing.T) {
	g := NewWithT(t)
	admin := env.Admin(t)

	restricted := env.Namespace(t, map[string]string{"pod-security.kubernetes.io/enforce": "restricted"})
	_, err := admin.CoreV1().Pods(restricted).Create(t.Context(), privilegedPod(restricted), metav1.CreateOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "privileged pod must be refused, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring("violates PodSecurity"))

	// Without the label the same pod is admitted: the API server itself
	// allows privileged pods, as real clusters do.
	open := env.Namespace(t)
	_, err = admin.CoreV1().Pods(open).Create(t.Context(), privilegedPod(open), metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
}
