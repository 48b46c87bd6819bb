package controller

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/event"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

func TestScanWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	// report: interval 10m, minInterval 30s, last successful scan at
	// lastScan for generation 1.
	report := func(lastScan time.Time, ready bool) *landfallv1alpha1.PostureReport {
		r := &landfallv1alpha1.PostureReport{ObjectMeta: metav1.ObjectMeta{Generation: 1}}
		r.Spec.Interval = &metav1.Duration{Duration: 10 * time.Minute}
		r.Status.ObservedGeneration = 1
		if !lastScan.IsZero() {
			r.Status.LastScanTime = &metav1.Time{Time: lastScan}
		}
		status := metav1.ConditionTrue
		if !ready {
			status = metav1.ConditionFalse
		}
		meta.SetStatusCondition(&r.Status.Conditions, metav1.Condition{Type: landfallv1alpha1.ReadyCondition, Status: status, Reason: "X"})
		return r
	}
	specChanged := report(ago(time.Minute), true)
	specChanged.Generation = 2
	tests := map[string]struct {
		report      *landfallv1alpha1.PostureReport
		lastAttempt time.Time
		changed     bool
		want        time.Duration
	}{
		"never scanned: now": {report(time.Time{}, false), time.Time{}, false, 0},
		"scanned a minute ago, nothing changed: at interval":   {report(ago(time.Minute), true), ago(time.Minute), false, 9 * time.Minute},
		"interval passed: now":                                 {report(ago(11*time.Minute), true), ago(11 * time.Minute), false, 0},
		"a change after minInterval: now":                      {report(ago(time.Minute), true), ago(time.Minute), true, 0},
		"a change within minInterval: at minInterval":          {report(ago(10*time.Second), true), ago(10 * time.Second), true, 20 * time.Second},
		"spec changed: now":                                    {specChanged, ago(time.Minute), false, 0},
		"last scan failed: retried after minInterval":          {report(ago(5*time.Minute), false), ago(40 * time.Second), false, 0},
		"last scan failed just now: not before minInterval":    {report(ago(5*time.Minute), false), ago(5 * time.Second), false, 25 * time.Second},
		"manager restarted, report fresh: at interval":         {report(ago(2*time.Minute), true), time.Time{}, false, 8 * time.Minute},
		"manager restarted, change seen: now, no memory of it": {report(ago(2*time.Second), true), time.Time{}, true, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			g.Expect(scanWait(tc.report, now, tc.lastAttempt, tc.changed)).To(Equal(tc.want))
		})
	}
}

func TestNewPostureScan(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	finding := func(check string, sev posture.Severity, kind, ns, name string) posture.Finding {
		ref := posture.ObjectRef{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name}
		return posture.Finding{ID: posture.FindingID(check, ref, ""), CheckID: check, Severity: sev, Techniques: []string{"MS-TA9018"}, Object: ref, Message: check + " on " + name}
	}
	kept := []posture.Finding{
		finding("low-a", posture.SeverityLow, "Pod", "a", "p1"),
		finding("crit-a", posture.SeverityCritical, "Pod", "a", "p2"),
		finding("med-a", posture.SeverityMedium, "Pod", "a", "p3"),
		finding("high-a", posture.SeverityHigh, "Namespace", "", "a"),
		finding("low-b", posture.SeverityLow, "Pod", "b", "p1"),
		finding("crit-cluster", posture.SeverityCritical, "ClusterRoleBinding", "", "anon"),
		finding("low-cluster", posture.SeverityLow, "ClusterRole", "", "r"),
	}
	kept[1].Message = strings.Repeat("é", landfallv1alpha1.MaxPostureMessageLength+10)
	obj := &landfallv1alpha1.PostureReport{ObjectMeta: metav1.ObjectMeta{Name: "cluster", UID: "uid-1"}}
	obj.Spec.MinSeverity = "medium"
	obj.Spec.MaxFindingsPerNamespace = ptr.To(int32(2))
	res := &live.Result{Objects: 20, DefaultFindings: 3}

	s := newPostureScan(obj, res, kept, 4, map[string]int{"a": 4, "b": 2, "": 14})

	g.Expect(s.namespaces).To(HaveLen(2))
	a := s.namespaces["a"]
	g.Expect(a.Namespace).To(Equal("a"))
	g.Expect(a.Name).To(Equal("posture"))
	g.Expect(a.OwnerReferences).To(HaveLen(1))
	g.Expect(a.OwnerReferences[0].UID).To(BeEquivalentTo("uid-1"))
	// Listed: medium and up, highest first, at most 2; the Namespace's
	// own finding belongs to it.
	g.Expect(checksOf(a.Findings)).To(Equal([]string{"crit-a", "high-a"}))
	g.Expect(a.Summary).To(Equal(landfallv1alpha1.PostureFindingsSummary{
		Score: 100 * 4 / (4 + 10 + 5 + 2 + 1), Objects: 4, Findings: 4, Omitted: 2,
		PostureSeverityCounts: landfallv1alpha1.PostureSeverityCounts{Critical: 1, High: 1, Medium: 1, Low: 1},
	}))
	// Cut at a rune boundary within the byte limit: "é" is 2 bytes, so
	// 254 of them and the 3-byte ellipsis.
	g.Expect(a.Findings[0].Message).To(Equal(strings.Repeat("é", 254) + "…"))
	b := s.namespaces["b"]
	g.Expect(b.Findings).To(BeEmpty(), "below minSeverity: counted, not listed")
	g.Expect(b.Summary.Findings).To(Equal(int32(1)))
	g.Expect(b.Summary.Omitted).To(Equal(int32(1)))
	g.Expect(checksOf(s.cluster)).To(Equal([]string{"crit-cluster"}))
	g.Expect(s.clusterOmitted).To(Equal(1))

	var st landfallv1alpha1.PostureReportStatus
	s.setStatus(&st, metav1.Now(), 1500*time.Millisecond)
	g.Expect(st.Findings).To(Equal(int32(7)))
	g.Expect(st.Severities).To(Equal(landfallv1alpha1.PostureSeverityCounts{Critical: 2, High: 1, Medium: 1, Low: 3}))
	g.Expect(*st.Score).To(Equal(int32(100 * 20 / (20 + 20 + 5 + 2 + 3))))
	g.Expect(st.Tactics).To(HaveLen(1))
	g.Expect(st.Tactics[0].ID).To(Equal("privilege-escalation"))
	g.Expect(st.Suppressed).To(Equal(int32(4)))
	g.Expect(st.DefaultFindings).To(Equal(int32(3)))
	g.Expect(st.Namespaces).To(Equal(int32(2)))
	g.Expect(st.ClusterFindingsOmitted).To(Equal(int32(1)))
	g.Expect(st.ScanDuration.Duration).To(Equal(1500 * time.Millisecond))

	// Dropping a namespace (being deleted, or gone before its findings
	// could be written) takes its findings, objects and PostureFindings
	// out of the counts; the cluster's findings stay.
	dropped := newPostureScan(obj, res, kept, 4, map[string]int{"a": 4, "b": 2, "": 14})
	dropped.drop("a", "gone", "")
	g.Expect(dropped.namespaces).To(HaveKey("b"))
	g.Expect(dropped.namespaces).To(HaveLen(1))
	g.Expect(dropped.objects).To(Equal(16))
	var dst landfallv1alpha1.PostureReportStatus
	dropped.setStatus(&dst, metav1.Now(), 0)
	g.Expect(dst.Findings).To(Equal(int32(3)))
	g.Expect(dst.Severities).To(Equal(landfallv1alpha1.PostureSeverityCounts{Critical: 1, Low: 2}))
	g.Expect(*dst.Score).To(Equal(int32(100 * 16 / (16 + 10 + 2))))
	g.Expect(dst.Namespaces).To(Equal(int32(1)))
	g.Expect(checksOf(dst.ClusterFindings)).To(Equal([]string{"crit-cluster"}))

	// The hash changes with the content, not with the map it came from.
	h1, err := findingsHash(a)
	g.Expect(err).NotTo(HaveOccurred())
	again := newPostureScan(obj, res, kept, 4, map[string]int{"a": 4, "b": 2, "": 14})
	h2, _ := findingsHash(again.namespaces["a"])
	g.Expect(h2).To(Equal(h1))
	h3, _ := findingsHash(b)
	g.Expect(h3).NotTo(Equal(h1))
}

func TestObjectCounter(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	object := func(kind, ns, name string, deleting bool) *posture.Object {
		u := &unstructured.Unstructured{}
		u.SetKind(kind)
		u.SetNamespace(ns)
		u.SetName(name)
		if deleting {
			u.SetDeletionTimestamp(ptr.To(metav1.Now()))
		}
		return &posture.Object{U: u}
	}
	c := newObjectCounter()
	c.add(object("Namespace", "", "a", false))
	c.add(object("Namespace", "", "b", true))
	c.add(object("Pod", "a", "p", false))
	c.add(object("Pod", "b", "p", true)) // a pod being deleted is no namespace being deleted
	c.add(object("ClusterRole", "", "r", false))
	g.Expect(c.counts()).To(Equal(map[string]int{"a": 2, "b": 2, "": 1}))
	g.Expect(c.terminatingNamespaces()).To(ConsistOf("b"))
}

func checksOf(fs []landfallv1alpha1.PostureFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Check)
	}
	return out
}

func TestPostureChangePredicate(t *testing.T) {
	t.Parallel()
	started := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	obj := func(created time.Time, rv string, gen int64, labels map[string]string) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
			CreationTimestamp: metav1.Time{Time: created}, ResourceVersion: rv, Generation: gen, Labels: labels,
		}}
	}
	old := obj(started.Add(-time.Hour), "1", 1, nil)
	tests := map[string]struct {
		anyUpdate bool
		ev        any
		want      bool
	}{
		"a create from the initial list":      {false, event.CreateEvent{Object: old}, false},
		"a create after the start":            {false, event.CreateEvent{Object: obj(started.Add(time.Second), "2", 1, nil)}, true},
		"a delete":                            {false, event.DeleteEvent{Object: old}, true},
		"a resync":                            {true, event.UpdateEvent{ObjectOld: old, ObjectNew: old}, false},
		"a status update":                     {false, event.UpdateEvent{ObjectOld: old, ObjectNew: obj(old.CreationTimestamp.Time, "2", 1, nil)}, false},
		"a status update, any update watched": {true, event.UpdateEvent{ObjectOld: old, ObjectNew: obj(old.CreationTimestamp.Time, "2", 1, nil)}, true},
		"a spec change":                       {false, event.UpdateEvent{ObjectOld: old, ObjectNew: obj(old.CreationTimestamp.Time, "2", 2, nil)}, true},
		"a label change":                      {false, event.UpdateEvent{ObjectOld: old, ObjectNew: obj(old.CreationTimestamp.Time, "2", 1, map[string]string{"pod-security.kubernetes.io/enforce": "restricted"})}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := postureChangePredicate(started, tc.anyUpdate)
			var got bool
			switch e := tc.ev.(type) {
			case event.CreateEvent:
				got = p.Create(e)
			case event.DeleteEvent:
				got = p.Delete(e)
			case event.UpdateEvent:
				got = p.Update(e)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
