package controller

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/report"
)

// TestPostureReportReconciler_Findings seeds a privileged pod in a
// namespace that is otherwise clean and an anonymous ClusterRoleBinding,
// and checks that the scans triggered by those changes record exactly
// their findings: in the namespace's PostureFindings, in the report's
// cluster findings and in its counts; that fixing them removes the
// findings (and the namespace's PostureFindings) on the next scan; and
// that kubectl's table shows the columns.
//
// Other tests of the package share the control plane and may still be
// creating or deleting namespaces, pods and bindings while this one runs,
// so the report's totals are never compared across scans: each scan's
// status is compared with the PostureFindings that scan left (a
// scanSnapshot), and what the test's objects add to the totals is
// what that snapshot counts beyond the findings of other objects.
func TestPostureReportReconciler_Findings(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := t.Context()
	report := ensurePostureReport(t)

	ns := cleanNamespace(t)
	pod := privilegedPod(ns, "privileged")
	g.Expect(suite.client.Create(ctx, pod)).To(Succeed())
	crb := anonymousBinding("posture-anonymous-" + randomName())
	g.Expect(suite.client.Create(ctx, crb)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(t.Context(), crb) })

	podRef := landfallv1alpha1.PostureObjectReference{APIVersion: "v1", Kind: "Pod", Namespace: ns, Name: pod.Name}
	wantNS := []findingKey{
		{"privileged-container", "critical", podRef, "spec.containers[0].securityContext.privileged"},
		{"privilege-escalation-allowed", "medium", podRef, "spec.containers[0].securityContext.allowPrivilegeEscalation"},
	}
	crbRef := landfallv1alpha1.PostureObjectReference{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Name: crb.Name}
	wantCluster := findingKey{"anonymous-binding", "critical", crbRef, "subjects[0].name"}
	// The test's findings: those in its namespace and those on (or
	// naming, as RBAC risks name their bindings) its binding.
	own := func(f *landfallv1alpha1.PostureFinding) bool {
		return f.Object.Namespace == ns || (f.Object.Kind == "Namespace" && f.Object.Name == ns) ||
			f.Object == crbRef || strings.Contains(f.Message, crb.Name)
	}

	// The creates trigger a scan (minInterval 1s), long before the
	// hour-long interval.
	var seeded *scanSnapshot
	g.Eventually(func(g Gomega) {
		seeded = takeScanSnapshot(ctx, g)
		pf, ok := seeded.findings[ns]
		g.Expect(ok).To(BeTrue(), "PostureFindings in %s", ns)
		g.Expect(findingKeys(pf.Findings)).To(ConsistOf(wantNS))
		g.Expect(findingKeys(seeded.clusterFindings(own))).To(ConsistOf(wantCluster))
		seeded.assertConsistent(g)
	}, 60*time.Second, 200*time.Millisecond).Should(Succeed())
	pf := seeded.findings[ns]
	// The namespace's objects: the Namespace, the default and app
	// ServiceAccounts, the kube-root-ca.crt ConfigMap, the quota, limit
	// range, policy and pod; 1 critical and 1 medium finding weigh 12.
	g.Expect(pf.Summary).To(Equal(landfallv1alpha1.PostureFindingsSummary{
		Score: 100 * 8 / (8 + 12), Objects: 8, Findings: 2,
		PostureSeverityCounts: landfallv1alpha1.PostureSeverityCounts{Critical: 1, Medium: 1},
	}))
	g.Expect(pf.Report).To(Equal(landfallv1alpha1.PostureReportName))
	g.Expect(pf.Labels).To(HaveKeyWithValue(landfallv1alpha1.LabelPostureReport, landfallv1alpha1.PostureReportName))
	g.Expect(metav1.IsControlledBy(&pf, report)).To(BeTrue(), "owned by the report, so deleting it deletes the findings")
	for _, f := range pf.Findings {
		g.Expect(f.ID).To(HaveLen(16))
		g.Expect(f.Techniques).NotTo(BeEmpty())
		g.Expect(f.Message).NotTo(BeEmpty())
	}
	// What the seeded objects add to the report's counts, and nothing
	// else: the pod's two findings and the binding's, under their
	// tactics.
	g.Expect(seeded.statusCounts().minus(seeded.counts(func(f *landfallv1alpha1.PostureFinding) bool { return !own(f) }))).To(Equal(postureCounts{
		Findings:   3,
		Severities: landfallv1alpha1.PostureSeverityCounts{Critical: 2, Medium: 1},
		Tactics:    map[string]int32{"privilege-escalation": 2, "discovery": 1}, // discovery: anonymous access to the API server
	}))

	// kubectl get posturefindings: the API server's table for the CRD's
	// printer columns.
	table := serverTable(t, "/apis/landfall.dev/v1alpha1/namespaces/"+ns+"/posturefindings")
	g.Expect(table.columns).To(Equal([]string{"Name", "Score", "Findings", "Critical", "High", "Medium", "Low", "Omitted", "Objects", "Age"}))
	g.Expect(table.rows).To(HaveLen(1))
	g.Expect(table.rows[0][:7]).To(Equal([]any{"posture", float64(pf.Summary.Score), 2.0, 1.0, 0.0, 1.0, 0.0}))
	table = serverTable(t, "/apis/landfall.dev/v1alpha1/posturereports")
	g.Expect(table.columns).To(Equal([]string{"Name", "Score", "Findings", "Critical", "High", "Medium", "Low", "Namespaces", "Complete%", "Ready", "Last Scan", "Status", "Age"}))
	g.Expect(table.rows).To(HaveLen(1))
	g.Expect(table.rows[0][0]).To(Equal("cluster"))
	g.Expect(table.rows[0][8]).To(Equal(100.0))
	g.Expect(table.rows[0][9]).To(Equal("True"))

	// Fix both: the pod's and the binding's findings go, and with them
	// the namespace's PostureFindings, now that it is clean.
	g.Expect(suite.client.Delete(ctx, pod, client.GracePeriodSeconds(0))).To(Succeed())
	g.Expect(suite.client.Delete(ctx, crb)).To(Succeed())
	g.Eventually(func() error {
		return suite.client.Get(ctx, client.ObjectKeyFromObject(&pf), &landfallv1alpha1.PostureFindings{})
	}, 30*time.Second, 200*time.Millisecond).Should(Satisfy(apierrors.IsNotFound))
	var fixed *scanSnapshot
	g.Eventually(func(g Gomega) {
		fixed = takeScanSnapshot(ctx, g)
		g.Expect(fixed.findings).NotTo(HaveKey(ns))
		g.Expect(fixed.clusterFindings(own)).To(BeEmpty())
		fixed.assertConsistent(g)
	}, 60*time.Second, 200*time.Millisecond).Should(Succeed())
	// The fixed objects add nothing any more: the counts dropped by
	// exactly their three findings.
	g.Expect(fixed.statusCounts().minus(fixed.counts(func(f *landfallv1alpha1.PostureFinding) bool { return !own(f) }))).To(Equal(postureCounts{Tactics: map[string]int32{}}))
	// A later scan wrote it (LastScanTime has whole seconds: two scans
	// can end within one).
	g.Expect(fixed.report.ResourceVersion).NotTo(Equal(seeded.report.ResourceVersion))
	g.Expect(fixed.report.Status.LastScanTime.Time).To(BeTemporally(">=", seeded.report.Status.LastScanTime.Time))
}

// scanSnapshot is the PostureReport and the PostureFindings as they
// were when the report's status was last written: the reconciler writes
// the PostureFindings before the status, with one worker, so listing them
// at the report's resourceVersion (resourceVersionMatch=Exact) shows
// exactly the set the status summarises, whatever the next scan is
// writing meanwhile.
type scanSnapshot struct {
	report landfallv1alpha1.PostureReport
	// findings are the PostureFindings by namespace.
	findings map[string]landfallv1alpha1.PostureFindings
}

// takeScanSnapshot reads the report and the PostureFindings at its
// resourceVersion.
func takeScanSnapshot(ctx context.Context, g Gomega) *scanSnapshot {
	s := &scanSnapshot{findings: map[string]landfallv1alpha1.PostureFindings{}}
	g.Expect(suite.client.Get(ctx, client.ObjectKey{Name: landfallv1alpha1.PostureReportName}, &s.report)).To(Succeed())
	var list landfallv1alpha1.PostureFindingsList
	g.Expect(suite.client.List(ctx, &list, client.MatchingLabels{landfallv1alpha1.LabelPostureReport: s.report.Name},
		&client.ListOptions{Raw: &metav1.ListOptions{
			ResourceVersion: s.report.ResourceVersion, ResourceVersionMatch: metav1.ResourceVersionMatchExact,
		}})).To(Succeed())
	for _, pf := range list.Items {
		g.Expect(pf.Name).To(Equal(landfallv1alpha1.PostureFindingsName))
		s.findings[pf.Namespace] = pf
	}
	return s
}

// all returns every finding listed in the snapshot, cluster findings
// first.
func (s *scanSnapshot) all() []landfallv1alpha1.PostureFinding {
	out := slices.Clone(s.report.Status.ClusterFindings)
	for _, ns := range slices.Sorted(maps.Keys(s.findings)) {
		out = append(out, s.findings[ns].Findings...)
	}
	return out
}

// clusterFindings returns the report's cluster findings that keep says.
func (s *scanSnapshot) clusterFindings(keep func(*landfallv1alpha1.PostureFinding) bool) []landfallv1alpha1.PostureFinding {
	var out []landfallv1alpha1.PostureFinding
	for i := range s.report.Status.ClusterFindings {
		if f := &s.report.Status.ClusterFindings[i]; keep(f) {
			out = append(out, *f)
		}
	}
	return out
}

// counts returns the counts of the snapshot's listed findings that keep
// says.
func (s *scanSnapshot) counts(keep func(*landfallv1alpha1.PostureFinding) bool) postureCounts {
	var fs []posture.Finding
	for _, f := range s.all() {
		if keep(&f) {
			// An unknown severity (the CRD's enum allows none) would
			// count in no severity, and the sums would not match.
			sev, _ := posture.ParseSeverity(f.Severity)
			fs = append(fs, posture.Finding{Severity: sev, Techniques: f.Techniques})
		}
	}
	sum := report.Summarize(fs)
	c := postureCounts{Findings: int32(sum.Findings), Severities: severityCounts(sum.BySeverity), Tactics: map[string]int32{}}
	for _, t := range sum.Tactics {
		c.Tactics[t.ID] = int32(t.Findings)
	}
	return c
}

// statusCounts are the counts of the report's status.
func (s *scanSnapshot) statusCounts() postureCounts {
	st := s.report.Status
	c := postureCounts{Findings: st.Findings, Severities: st.Severities, Tactics: map[string]int32{}}
	for _, t := range st.Tactics {
		c.Tactics[t.ID] = t.Findings
	}
	return c
}

// assertConsistent checks that the snapshot's scan succeeded in full and
// that its counts add up: severities and tactics to the total, and the
// PostureFindings plus the cluster findings to the status, per severity
// and tactic. Nothing in the test cluster comes near the default cap, so
// every finding is listed.
func (s *scanSnapshot) assertConsistent(g Gomega) {
	r := &s.report
	st := r.Status
	g.Expect(meta.IsStatusConditionTrue(st.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
	g.Expect(meta.FindStatusCondition(st.Conditions, landfallv1alpha1.ReadyCondition).Reason).To(Equal(landfallv1alpha1.PostureScannedReason))
	g.Expect(st.ObservedGeneration).To(Equal(r.Generation))
	g.Expect(st.Completeness.Percent).To(Equal(int32(100)))
	g.Expect(st.Completeness.KindsAssessed).To(Equal(st.Completeness.KindsNeeded))
	g.Expect(st.Completeness.NotAssessed).To(BeEmpty())
	g.Expect(st.Severities.Critical + st.Severities.High + st.Severities.Medium + st.Severities.Low).To(Equal(st.Findings))
	var byTactic int32
	for _, t := range st.Tactics {
		byTactic += t.Findings
		g.Expect(t.Critical+t.High+t.Medium+t.Low).To(Equal(t.Findings), "tactic %s", t.ID)
	}
	g.Expect(byTactic).To(Equal(st.Findings))
	g.Expect(st.Score).NotTo(BeNil())
	g.Expect(st.Objects).To(BeNumerically(">", 0))

	g.Expect(st.ClusterFindingsOmitted).To(BeZero())
	for ns, pf := range s.findings {
		g.Expect(pf.Summary.Omitted).To(BeZero(), "omitted in %s", ns)
		g.Expect(pf.Summary.Findings).To(BeEquivalentTo(len(pf.Findings)), "findings in %s", ns)
		listed := s.counts(func(f *landfallv1alpha1.PostureFinding) bool { return findingIn(f) == ns })
		g.Expect(pf.Summary.PostureSeverityCounts).To(Equal(listed.Severities), "severities in %s", ns)
	}
	g.Expect(st.Namespaces).To(BeEquivalentTo(len(s.findings)), "namespaces with PostureFindings")
	g.Expect(s.counts(func(*landfallv1alpha1.PostureFinding) bool { return true })).To(Equal(s.statusCounts()),
		"the PostureFindings plus the cluster findings of the scan")
}

// findingIn is the namespace whose PostureFindings lists f, as
// findingNamespace decides.
func findingIn(f *landfallv1alpha1.PostureFinding) string {
	if f.Object.Namespace == "" && f.Object.Kind == "Namespace" {
		return f.Object.Name
	}
	return f.Object.Namespace
}

// postureCounts are a report's counts: findings, per severity and per
// tactic.
type postureCounts struct {
	Findings   int32
	Severities landfallv1alpha1.PostureSeverityCounts
	Tactics    map[string]int32
}

// minus returns c - o, leaving out tactics whose difference is 0.
func (c postureCounts) minus(o postureCounts) postureCounts {
	out := postureCounts{
		Findings: c.Findings - o.Findings,
		Severities: landfallv1alpha1.PostureSeverityCounts{
			Critical: c.Severities.Critical - o.Severities.Critical, High: c.Severities.High - o.Severities.High,
			Medium: c.Severities.Medium - o.Severities.Medium, Low: c.Severities.Low - o.Severities.Low,
		},
		Tactics: map[string]int32{},
	}
	for id, n := range c.Tactics {
		out.Tactics[id] = n
	}
	for id, n := range o.Tactics {
		out.Tactics[id] -= n
	}
	maps.DeleteFunc(out.Tactics, func(_ string, n int32) bool { return n == 0 })
	return out
}

// findingKey is what identifies a finding in the assertions.
type findingKey struct {
	Check, Severity string
	Object          landfallv1alpha1.PostureObjectReference
	Path            string
}

func findingKeys(fs []landfallv1alpha1.PostureFinding) []findingKey {
	out := make([]findingKey, 0, len(fs))
	for _, f := range fs {
		out = append(out, findingKey{f.Check, f.Severity, f.Object, f.Path})
	}
	return out
}

// ensurePostureReport creates the PostureReport if there is none, with a
// 1s minInterval (changes are scanned at once) and a 1h interval (no scan
// without a change), and waits for its first successful scan.
func ensurePostureReport(t *testing.T) *landfallv1alpha1.PostureReport {
	t.Helper()
	g := NewWithT(t)
	r := &landfallv1alpha1.PostureReport{
		ObjectMeta: metav1.ObjectMeta{Name: landfallv1alpha1.PostureReportName},
		Spec: landfallv1alpha1.PostureReportSpec{
			Interval:    &metav1.Duration{Duration: time.Hour},
			MinInterval: &metav1.Duration{Duration: time.Second},
		},
	}
	if err := suite.client.Create(t.Context(), r); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating posture report: %v", err)
	}
	g.Eventually(func(g Gomega) {
		g.Expect(suite.client.Get(t.Context(), client.ObjectKeyFromObject(r), r)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(r.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
		g.Expect(r.Status.ObservedGeneration).To(Equal(r.Generation))
	}, 60*time.Second, 200*time.Millisecond).Should(Succeed())
	return r
}

// cleanNamespace creates a namespace that no check flags: Pod Security
// enforced, a default-deny NetworkPolicy, a ResourceQuota, a LimitRange
// and a ServiceAccount without token automount for pods. It is deleted
// when the test ends.
func cleanNamespace(t *testing.T) string {
	t.Helper()
	g := NewWithT(t)
	ctx := t.Context()
	name := "posture-" + randomName()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}}}
	g.Expect(suite.client.Create(ctx, ns)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(t.Context(), ns) })
	objs := []client.Object{
		&networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: name, Name: "default-deny"},
			Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}},
		},
		&corev1.ResourceQuota{
			ObjectMeta: metav1.ObjectMeta{Namespace: name, Name: "quota"},
			Spec:       corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("10")}},
		},
		&corev1.LimitRange{
			ObjectMeta: metav1.ObjectMeta{Namespace: name, Name: "limits"},
			Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
				Type: corev1.LimitTypeContainer, Max: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")},
			}}},
		},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: name, Name: "app"}, AutomountServiceAccountToken: ptr.To(false)},
	}
	for _, o := range objs {
		g.Expect(suite.client.Create(ctx, o)).To(Succeed())
	}
	// Pods are admitted only once the ServiceAccount admission plugin
	// sees the service account; the controller manager adds the default
	// ServiceAccount and the kube-root-ca.crt ConfigMap, which a scan
	// counts (and which no watch reports, so wait for them before the
	// changes that trigger a scan).
	g.Eventually(func(g Gomega) {
		g.Expect(suite.client.Get(ctx, client.ObjectKey{Namespace: name, Name: "app"}, &corev1.ServiceAccount{})).To(Succeed())
		g.Expect(suite.client.Get(ctx, client.ObjectKey{Namespace: name, Name: "default"}, &corev1.ServiceAccount{})).To(Succeed())
		g.Expect(suite.client.Get(ctx, client.ObjectKey{Namespace: name, Name: "kube-root-ca.crt"}, &corev1.ConfigMap{})).To(Succeed())
	}, 30*time.Second, 50*time.Millisecond).Should(Succeed())
	return name
}

// privilegedPod is a pod hardened in every way but one: its container is
// privileged (which also allows privilege escalation).
func privilegedPod(ns, name string) *corev1.Pod {
	resources := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.PodSpec{
			ServiceAccountName:           "app",
			AutomountServiceAccountToken: ptr.To(false),
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:    ptr.To(true),
				RunAsUser:       ptr.To(int64(1000)),
				SeccompProfile:  &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
				AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name:      "app",
				Image:     "registry.example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				Resources: corev1.ResourceRequirements{Requests: resources, Limits: resources},
				SecurityContext: &corev1.SecurityContext{
					Privileged:             ptr.To(true),
					ReadOnlyRootFilesystem: ptr.To(true),
					Capabilities:           &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
			}},
		},
	}
}

// anonymousBinding binds system:anonymous to a role that does not exist:
// the binding alone is the finding.
func anonymousBinding(name string) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "posture-test-nothing"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "system:anonymous"}},
	}
}

func randomName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// table is the API server's Table rendering of a list, as kubectl get
// shows it.
type table struct {
	columns []string
	rows    [][]any
}

// serverTable GETs path as a meta.k8s.io Table, as kubectl get does.
func serverTable(t *testing.T, path string) table {
	t.Helper()
	cs, err := kubernetes.NewForConfig(suite.hub.AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := cs.CoreV1().RESTClient().Get().AbsPath(path).
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").DoRaw(t.Context())
	if err != nil {
		t.Fatalf("GET %s as table: %v", path, err)
	}
	var tab metav1.Table
	if err := json.Unmarshal(raw, &tab); err != nil {
		t.Fatalf("decoding table: %v", err)
	}
	var out table
	for _, c := range tab.ColumnDefinitions {
		out.columns = append(out.columns, c.Name)
	}
	for _, r := range tab.Rows {
		out.rows = append(out.rows, r.Cells)
	}
	return out
}
