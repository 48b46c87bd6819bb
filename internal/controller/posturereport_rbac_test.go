package controller

import (
	"testing"

	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/config/rbac"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

// TestPostureReportReconciler_Identity scans with three real identities:
// the manager's ServiceAccount bound to the generated role
// (config/rbac/role.yaml) reads every kind the checks need; one bound to
// the built-in view role gets a partial report (Ready, ScanIncomplete)
// naming what it could not read; one without rights stalls.
func TestPostureReportReconciler_Identity(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := t.Context()
	admin := suite.hub.AdminConfig()
	cs, err := kubernetes.NewForConfig(admin)
	g.Expect(err).NotTo(HaveOccurred())

	// As a platform admin installs the manager.
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: rbac.Namespace}}
	if err := suite.client.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	g.Expect(rbac.Apply(ctx, suite.client, "landfall-install")).To(Succeed())

	viewer := cleanNamespace(t)
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "posture-viewer-" + viewer},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: viewer, Name: "app"}},
	}
	g.Expect(suite.client.Create(ctx, crb)).To(Succeed())
	t.Cleanup(func() { _ = suite.client.Delete(t.Context(), crb) })

	token := func(ns, name string) *rest.Config {
		tok, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		cfg := rest.AnonymousClientConfig(admin)
		cfg.BearerToken = tok.Status.Token
		return cfg
	}
	obj := &landfallv1alpha1.PostureReport{ObjectMeta: metav1.ObjectMeta{Name: landfallv1alpha1.PostureReportName, Generation: 1}}

	t.Run("the manager's role reads every kind, Secrets with readSecrets", func(t *testing.T) {
		g := NewWithT(t)
		r := &PostureReportReconciler{OwnConfig: token(rbac.Namespace, rbac.ServiceAccount)}
		withSecrets := obj.DeepCopy()
		withSecrets.Spec.ReadSecrets = true
		scan, err := r.scan(ctx, withSecrets)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(scan.completeness.NotAssessed()).To(BeEmpty())
		g.Expect(scan.completeness.ChecksNotAssessed).To(BeEmpty())
		g.Expect(scan.completeness.Complete()).To(BeTrue())
		g.Expect(scan.completeness.Kinds).To(ContainElement(HaveField("Kind", "Secret")))
	})

	t.Run("without readSecrets no Secret is listed and the checks that need them are named", func(t *testing.T) {
		g := NewWithT(t)
		r := &PostureReportReconciler{OwnConfig: token(rbac.Namespace, rbac.ServiceAccount)}
		scan, err := r.scan(ctx, obj)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(scan.completeness.Complete()).To(BeTrue())
		g.Expect(scan.completeness.Kinds).NotTo(ContainElement(HaveField("Kind", "Secret")))
		g.Expect(scan.completeness.ChecksNotAssessed).To(ConsistOf(live.CheckStatus{
			ID: "service-account-token-secret", Reason: "reads Secrets, which the manager lists only with spec.readSecrets",
		}))
	})

	t.Run("view reads a partial report that names what it could not see", func(t *testing.T) {
		g := NewWithT(t)
		r := &PostureReportReconciler{OwnConfig: token(viewer, "app")}
		scan, err := r.scan(ctx, obj)
		g.Expect(err).NotTo(HaveOccurred())
		var notAssessed []string
		for _, k := range scan.completeness.NotAssessed() {
			g.Expect(k.Reason()).To(Equal("not assessed: forbidden"))
			notAssessed = append(notAssessed, k.Kind)
		}
		// view reads no RBAC objects or webhook configurations (nor
		// Secrets, which this scan does not need).
		g.Expect(notAssessed).To(ConsistOf("ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration",
			"Role", "RoleBinding", "ValidatingWebhookConfiguration"))
		g.Expect(scan.completeness.ChecksNotAssessed).NotTo(BeEmpty())

		got := obj.DeepCopy()
		scan.setStatus(&got.Status, metav1.Now(), 0)
		_, err = r.summarize(got, nil)
		g.Expect(err).NotTo(HaveOccurred())
		ready := meta.FindStatusCondition(got.Status.Conditions, landfallv1alpha1.ReadyCondition)
		g.Expect(ready.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(ready.Reason).To(Equal(landfallv1alpha1.PostureScanIncompleteReason))
		g.Expect(ready.Message).To(ContainSubstring("RoleBinding (not assessed: forbidden)"))
		g.Expect(got.Status.Completeness.Percent).To(BeNumerically("<", 100))
		g.Expect(got.Status.Completeness.NotAssessed).To(HaveLen(len(notAssessed)))
	})

	t.Run("no rights stall the report", func(t *testing.T) {
		g := NewWithT(t)
		r := &PostureReportReconciler{OwnConfig: token(viewer, "default")}
		got := obj.DeepCopy()
		err := r.reconcile(ctx, got)
		g.Expect(err).To(MatchError(ContainSubstring("no object kind could be listed")))
		_, err = r.summarize(got, err)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(conditionTriples(got.Status.Conditions)).To(ConsistOf(
			condition{landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, landfallv1alpha1.PostureScanIncompleteReason},
			condition{landfallv1alpha1.StalledCondition, metav1.ConditionTrue, landfallv1alpha1.PostureScanIncompleteReason},
		))
		g.Expect(got.Status.LastScanTime).To(BeNil(), "no summary from a scan that saw nothing")
	})
}

// conditionTriples reduces conditions to type/status/reason.
func conditionTriples(cs []metav1.Condition) []condition {
	out := make([]condition, 0, len(cs))
	for _, c := range cs {
		out = append(out, condition{c.Type, c.Status, c.Reason})
	}
	return out
}
