package cliutil_test

import (
	"bytes"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func managed(name string) corev1.ConfigMap {
	return corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
		Name: name, Labels: map[string]string{"app": name},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "landfall", Operation: metav1.ManagedFieldsOperationApply}},
	}}
}

func TestPrintStructured_LeavesOutManagedFields(t *testing.T) {
	one := managed("one")
	list := &corev1.ConfigMapList{Items: []corev1.ConfigMap{managed("a"), managed("b")}}
	slice := []corev1.ConfigMap{managed("c")}
	for name, v := range map[string]any{"object": &one, "list": list, "slice": slice} {
		for _, format := range []string{cliutil.OutputJSON, cliutil.OutputYAML} {
			t.Run(name+" "+format, func(t *testing.T) {
				g := NewWithT(t)
				var out bytes.Buffer
				g.Expect(cliutil.PrintStructured(&out, format, v)).To(Succeed())
				g.Expect(out.String()).NotTo(ContainSubstring("managedFields"))
				g.Expect(out.String()).To(ContainSubstring("app"), "the rest of the metadata is printed")
			})
		}
	}
	// The caller's objects keep theirs.
	g := NewWithT(t)
	g.Expect(one.ManagedFields).To(HaveLen(1))
	g.Expect(list.Items[1].ManagedFields).To(HaveLen(1))
	g.Expect(slice[0].ManagedFields).To(HaveLen(1))
}

func TestWithoutManagedFields_LeavesOtherValuesAlone(t *testing.T) {
	g := NewWithT(t)
	rows := []struct{ Name string }{{Name: "x"}}
	g.Expect(cliutil.WithoutManagedFields(rows)).To(Equal(rows))
	var nilList *corev1.ConfigMapList
	g.Expect(cliutil.WithoutManagedFields(nilList)).To(BeNil())
	g.Expect(cliutil.WithoutManagedFields(map[string]int{"a": 1})).To(Equal(map[string]int{"a": 1}))
}
