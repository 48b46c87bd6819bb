package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestWaitingFor: a space waits for every template it has, and only
// those; an instance of a template it no longer has counts for nothing.
func TestWaitingFor(t *testing.T) {
	g := NewWithT(t)
	instance := func(name string, ready bool) landfallv1alpha1.TemplateInstance {
		ti := landfallv1alpha1.TemplateInstance{ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 2}}
		ti.Status.ObservedGeneration = 2
		status := metav1.ConditionFalse
		if ready {
			status = metav1.ConditionTrue
		}
		meta.SetStatusCondition(&ti.Status.Conditions, metav1.Condition{Type: landfallv1alpha1.ReadyCondition, Status: status, Reason: "x"})
		return ti
	}
	stale := instance("a", true)
	stale.Status.ObservedGeneration = 1

	g.Expect(waitingFor([]string{"a", "b"}, []landfallv1alpha1.TemplateInstance{instance("a", true), instance("b", true)})).To(BeEmpty())
	g.Expect(waitingFor([]string{"a", "b"}, []landfallv1alpha1.TemplateInstance{instance("b", false), instance("a", true)})).To(Equal([]string{"b"}))
	g.Expect(waitingFor([]string{"a"}, []landfallv1alpha1.TemplateInstance{stale})).To(Equal([]string{"a"}), "ready for an older generation")
	// The account switched from [a, x] to [a, y] while the space was set
	// up: x's instance is still listed, y's not yet.
	g.Expect(waitingFor([]string{"a", "y"}, []landfallv1alpha1.TemplateInstance{instance("a", true), instance("x", true)})).To(Equal([]string{"y"}))
	g.Expect(waitingFor(nil, []landfallv1alpha1.TemplateInstance{instance("x", false)})).To(BeEmpty())
}
