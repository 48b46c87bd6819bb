package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestStripManagedFields_OnlyNamespacedMetadata(t *testing.T) {
	g := NewWithT(t)
	fields := []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}}
	meta := func(namespace string) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
			Namespace: namespace, Name: "x", Labels: map[string]string{"a": "b"}, ManagedFields: fields,
		}}
	}

	out, err := stripManagedFields(meta("team-a"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out.(*metav1.PartialObjectMetadata).ManagedFields).To(BeNil())
	g.Expect(out.(*metav1.PartialObjectMetadata).Labels).To(HaveKeyWithValue("a", "b"), "only managedFields go")

	// A Namespace (cluster-scoped) keeps them: appliedMetadata reads them.
	out, err = stripManagedFields(meta(""))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out.(*metav1.PartialObjectMetadata).ManagedFields).To(Equal(fields))

	// Full objects are left alone.
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "x", ManagedFields: fields}}
	out, err = stripManagedFields(cm)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out.(*corev1.ConfigMap).ManagedFields).To(Equal(fields))
}
