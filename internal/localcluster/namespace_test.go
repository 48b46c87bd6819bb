package localcluster_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCluster_NamespaceDeletionCompletes(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t)
	admin := env.Admin(t)

	for _, name := range []string{"a", "b", "c"} {
		_, err := admin.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
	_, err := admin.CoreV1().Pods(ns).Create(t.Context(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example/app:1.0"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	g.Expect(admin.CoreV1().Namespaces().Delete(t.Context(), ns, metav1.DeleteOptions{})).To(Succeed())
	// The namespace controller empties the namespace and removes its
	// finalizer; without it the namespace would stay Terminating.
	g.Eventually(func() bool {
		_, err := admin.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}, 90*time.Second, 200*time.Millisecond).Should(BeTrue(), "namespace %s never went away", ns)
}
