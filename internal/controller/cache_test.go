package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestStripManagedFields_OnlyWhatNoReconcilerReads(t *testing.T) {
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

	// Full objects are left alone,
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "x", ManagedFields: fields}}
	out, err = stripManagedFields(cm)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out.(*corev1.ConfigMap).ManagedFields).To(Equal(fields))

	// but the Services and claims the account quota caches in full.
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "x", ManagedFields: fields}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer}}
	out, err = stripManagedFields(svc)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out.(*corev1.Service).ManagedFields).To(BeNil())
	g.Expect(out.(*corev1.Service).Spec.Type).To(Equal(corev1.ServiceTypeLoadBalancer))
	claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "x", ManagedFields: fields}}
	out, err = stripManagedFields(claim)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out.(*corev1.PersistentVolumeClaim).ManagedFields).To(BeNil())
}
