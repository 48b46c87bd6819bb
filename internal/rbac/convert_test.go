package rbac

import (
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/landfall-dev/landfall/internal/posture"
)

// toUnstructured converts a typed object, setting its kind from the
// client-go scheme.
func toUnstructured(t *testing.T, o runtime.Object) *unstructured.Unstructured {
	t.Helper()
	gvks, _, err := scheme.Scheme.ObjectKinds(o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvks[0])
	return u
}

func TestBuilder_BadInput(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
		"metadata": map[string]any{"name": "broken", "namespace": "team-a"},
		"subjects": "not a list",
	}}
	_, err := FromUnstructured(Options{}, []*unstructured.Unstructured{u})
	g.Expect(err).To(MatchError(ContainSubstring("reading RoleBinding team-a/broken")))

	_, err = FromPostureObjects(Options{}, []*posture.Object{{U: u, Source: posture.Source{File: "rbac.yaml", Line: 12}}})
	g.Expect(err).To(MatchError(HavePrefix("rbac.yaml:12: reading RoleBinding team-a/broken")))

	// Other kinds, and look-alike kinds of other groups, are ignored.
	other := &unstructured.Unstructured{}
	other.SetGroupVersionKind(schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Role"})
	cm := &unstructured.Unstructured{}
	cm.SetGroupVersionKind(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"})
	snap, err := FromUnstructured(Options{}, []*unstructured.Unstructured{other, cm})
	g.Expect(err).NotTo(HaveOccurred())
	roles, bindings := snap.Counts()
	g.Expect(roles + bindings).To(BeZero())
	g.Expect(snap.workloads).To(BeEmpty())
}
