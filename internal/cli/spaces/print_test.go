package spaces

import (
	"bytes"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestPrint_SaysWhatAReadyConditionDoesNot: a space being deleted may
// still carry its last Ready=True (until the manager marks it), and a new
// one has no condition yet; the table says which is which, and shows a
// deleting space as `account list` shows a deleting account.
func TestPrint_SaysWhatAReadyConditionDoesNot(t *testing.T) {
	g := NewWithT(t)
	ready := func(name string) landfallv1alpha1.Space {
		s := landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: landfallv1alpha1.SpaceSpec{Account: "team-a"}}
		meta.SetStatusCondition(&s.Status.Conditions, metav1.Condition{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionTrue, Reason: "Ready", Message: "namespace ready"})
		return s
	}
	gone := ready("team-a-old")
	gone.DeletionTimestamp = &metav1.Time{}
	fresh := landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: "team-a-new"}, Spec: landfallv1alpha1.SpaceSpec{Account: "team-a"}}

	var out bytes.Buffer
	g.Expect(Print(&out, []landfallv1alpha1.Space{ready("team-a-web"), gone, fresh})).To(Succeed())
	g.Expect(out.String()).To(MatchRegexp(`team-a-web\s+team-a\s+True\s+namespace ready\n`))
	g.Expect(out.String()).To(MatchRegexp(`team-a-old\s+team-a\s+Terminating\s+its namespace and everything in it are being deleted\n`))
	g.Expect(out.String()).To(MatchRegexp(`team-a-new\s+team-a\s+Unknown\s+Pending: `))
}
