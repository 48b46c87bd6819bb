package detect_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

func sampleAlert() detect.Alert {
	return detect.Alert{
		Rule: "pod-exec", Title: "Exec into container", Severity: posture.SeverityMedium,
		Techniques: []string{"MS-TA9006"}, Tactics: []string{"execution"}, Message: `exec of "sh" in pod shop/web`,
		Time: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), AuditID: "6f1c2a9e-1111-4222-8333-444455556666",
		User: "alice", Groups: []string{"team-a"}, SourceIPs: []string{"10.0.0.1"}, Verb: "create",
		Resource: "pods", Subresource: "exec", Namespace: "shop", Name: "web", Code: 101, Source: "audit.log:7",
	}
}

func TestAlert_JSONRoundTripsWithSeverityAsAWord(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	a := sampleAlert()
	var buf bytes.Buffer
	g.Expect(detect.JSONLinesSink(&buf).Write(a)).To(Succeed())
	g.Expect(buf.String()).To(HaveSuffix("}\n"))
	g.Expect(buf.String()).To(ContainSubstring(`"severity":"medium"`))
	var back detect.Alert
	g.Expect(json.Unmarshal(buf.Bytes(), &back)).To(Succeed())
	g.Expect(back).To(Equal(a))
}

func TestKubeEvent_IsAWarningAboutTheAlertsObject(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	a := sampleAlert()
	ev := detect.KubeEvent(a, "landfall-system")
	g.Expect(ev.Namespace).To(Equal("shop"))
	g.Expect(ev.Type).To(Equal(corev1.EventTypeWarning))
	g.Expect(ev.Reason).To(Equal(detect.EventReason))
	g.Expect(ev.InvolvedObject).To(Equal(corev1.ObjectReference{Kind: "Pod", Namespace: "shop", Name: "web", APIVersion: "v1", FieldPath: "exec"}))
	g.Expect(ev.Labels).To(HaveKeyWithValue("landfall.dev/rule", "pod-exec"))
	g.Expect(ev.Annotations).To(HaveKeyWithValue("landfall.dev/audit-id", a.AuditID))
	g.Expect(ev.Message).To(ContainSubstring("alice"))
	g.Expect(validation.IsDNS1123Subdomain(ev.Name)).To(BeEmpty())
	g.Expect(ev.FirstTimestamp.Time).To(Equal(a.Time))

	// Same alert, same name (idempotent create); another rule, another.
	g.Expect(detect.KubeEvent(a, "x").Name).To(Equal(ev.Name))
	b := a
	b.Rule = "exec-tar-collection"
	g.Expect(detect.KubeEvent(b, "x").Name).NotTo(Equal(ev.Name))

	// Cluster-scoped, low severity: Normal, in the default namespace,
	// about that namespace.
	c := a
	c.Namespace, c.Resource, c.Subresource, c.Name, c.Severity = "", "clusterrolebindings", "", "", posture.SeverityLow
	cev := detect.KubeEvent(c, "landfall-system")
	g.Expect(cev.Namespace).To(Equal("landfall-system"))
	g.Expect(cev.Type).To(Equal(corev1.EventTypeNormal))
	g.Expect(cev.InvolvedObject.Kind).To(Equal("Namespace"))
	g.Expect(cev.InvolvedObject.Name).To(Equal("landfall-system"))
	// The API server wants involvedObject.namespace to match.
	g.Expect(cev.InvolvedObject.Namespace).To(Equal("landfall-system"))
	c.Name, c.APIGroup = "backdoor", "rbac.authorization.k8s.io"
	cev = detect.KubeEvent(c, "landfall-system")
	g.Expect(cev.InvolvedObject).To(Equal(corev1.ObjectReference{
		Kind: "ClusterRoleBinding", Namespace: "landfall-system", Name: "backdoor", APIVersion: "rbac.authorization.k8s.io/v1",
	}))

	long := a
	long.Message = strings.Repeat("x", 5000)
	g.Expect(len(detect.KubeEvent(long, "x").Message)).To(BeNumerically("<=", 1024))
}

func TestMetrics_CountEventsAlertsAndMalformedLinesPerRule(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	reg, _ := detect.NewRegistry(execRule, deleteRule)
	m := detect.NewMetrics(reg)
	e, _ := detect.NewEngine(reg, detect.Options{})
	d := detect.NewDetector(e, m)
	g.Expect(detect.ReadEvents(t.Context(), strings.NewReader(
		eventLine("1", "a", "create", "pods", "exec", "n", "p", time.Now())+"\n"+
			eventLine("2", "a", "create", "pods", "exec", "n", "p", time.Now())+"\nbroken\n"), "x", d)).To(Succeed())
	var buf bytes.Buffer
	_, err := m.WriteTo(&buf)
	g.Expect(err).NotTo(HaveOccurred())
	out := buf.String()
	g.Expect(out).To(ContainSubstring("landfall_detect_events_total 2\n"))
	g.Expect(out).To(ContainSubstring("landfall_detect_malformed_events_total 1\n"))
	g.Expect(out).To(ContainSubstring(`landfall_detect_alerts_total{rule="test-exec",severity="medium"} 2` + "\n"))
	g.Expect(out).To(ContainSubstring(`landfall_detect_alerts_total{rule="test-delete-burst",severity="high"} 0` + "\n"))
	g.Expect(out).To(ContainSubstring("# TYPE landfall_detect_alerts_total counter\n"))
	n, mal := d.MalformedLines()
	g.Expect(n).To(Equal(int64(1)))
	g.Expect(mal[0].Position.String()).To(Equal("x:3"))
}
