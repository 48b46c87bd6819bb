package live

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/landfall-dev/landfall/internal/posture"
)

func TestResolveKindsPrefersBuiltInGroupsAndSkipsSubresources(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	list := []string{"list", "get"}
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "pods", Kind: "Pod", Namespaced: true, Verbs: list},
			{Name: "pods/log", Kind: "Pod", Namespaced: true, Verbs: []string{"get"}},
			{Name: "namespaces", Kind: "Namespace", Verbs: list},
		}},
		{GroupVersion: "example.io/v1", APIResources: []metav1.APIResource{
			{Name: "ingresses", Kind: "Ingress", Namespaced: true, Verbs: list},
		}},
		{GroupVersion: "networking.k8s.io/v1", APIResources: []metav1.APIResource{
			{Name: "ingresses", Kind: "Ingress", Namespaced: true, Verbs: list},
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			{Name: "deployments", Kind: "Deployment", Namespaced: true, Verbs: []string{"get"}},
		}},
	}
	found, missing := resolveKinds(lists, []string{"Deployment", "Ingress", "Namespace", "Pod", "Rollout"})
	g.Expect(found["Pod"]).To(Equal(resource{Kind: "Pod", GVR: schema.GroupVersionResource{Version: "v1", Resource: "pods"}, Namespaced: true}))
	g.Expect(found["Ingress"].GVR.Group).To(Equal("networking.k8s.io"))
	g.Expect(found["Namespace"].Namespaced).To(BeFalse())
	g.Expect(missing).To(Equal([]string{"Deployment", "Rollout"}), "a kind that cannot be listed is not served")
}

func TestNeededKindsCoverTargetsAndLookups(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	noop := func(*posture.Object, posture.Index) []posture.Violation { return nil }
	reg, err := posture.NewRegistry(
		posture.Check{ID: "a", Title: "x", Severity: posture.SeverityLow, Techniques: []string{"MS-TA9031"}, Remediation: "x.",
			Kinds: []string{"Namespace"}, Lookups: []posture.Lookup{{Kinds: []string{"NetworkPolicy"}}}, Run: noop},
		posture.Check{ID: "b", Title: "x", Severity: posture.SeverityLow, Techniques: []string{"MS-TA9031"}, Remediation: "x.", Run: noop},
	)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(NeededKinds(reg)).To(ConsistOf(append([]string{"Namespace", "NetworkPolicy"}, posture.PodSpecKinds...)))
}
