package manager

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/testenv"
	"github.com/landfall-dev/landfall/internal/webhook"
)

var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Options{Nodes: 1}, &env)) }

func execute(ctx context.Context, stderr io.Writer, args ...string) (string, error) {
	cmd := Command()
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

func TestManager_InstallsCRDsAndReconcilesClusters(t *testing.T) {
	g := NewWithT(t)
	c := env.Cluster(t)
	kubeconfig := c.AdminKubeconfig()

	out, err := execute(t.Context(), io.Discard, "install", "--kubeconfig", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("customresourcedefinition clusters.landfall.dev installed\n"))
	// Idempotent.
	_, err = execute(t.Context(), io.Discard, "install", "--kubeconfig", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	webhookAddr := freeAddr(g)
	webhookCerts, gitCache := t.TempDir(), t.TempDir()
	go func() {
		_, err := execute(ctx, io.Discard, "--kubeconfig", kubeconfig, "--metrics-bind-address", "0", "--health-probe-bind-address", "0",
			"--webhook-bind-address", webhookAddr, "--webhook-cert-dir", webhookCerts, "--delivery-cache-dir", gitCache)
		done <- err
	}()

	scheme, err := Scheme()
	g.Expect(err).NotTo(HaveOccurred())
	cl, err := client.New(c.AdminConfig(), client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())
	obj := &landfallv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "self"}, Spec: landfallv1alpha1.ClusterSpec{InCluster: true, Environments: []string{"dev"}}}
	g.Expect(cl.Create(t.Context(), obj)).To(Succeed())
	t.Cleanup(func() { _ = cl.Delete(context.Background(), obj) })

	g.Eventually(func(g Gomega) {
		got := &landfallv1alpha1.Cluster{}
		g.Expect(cl.Get(t.Context(), client.ObjectKeyFromObject(obj), got)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
		g.Expect(got.Status.NodeCount).To(HaveValue(BeEquivalentTo(1)))
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())

	// The CRD rejects a Cluster that names neither way to reach it.
	bad := &landfallv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "nowhere"}}
	g.Expect(cl.Create(t.Context(), bad)).To(MatchError(ContainSubstring("set exactly one of kubeConfig and inCluster")))

	// The tenancy webhooks serve and their configurations point at them:
	// a Space for an account that does not exist is refused by the
	// webhook, even for an admin.
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{}
	g.Eventually(func() error {
		return cl.Get(t.Context(), client.ObjectKey{Name: webhook.ConfigurationName}, vwc)
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())
	g.Expect(*vwc.Webhooks[0].ClientConfig.URL).To(HavePrefix("https://127.0.0.1:" + webhookAddr[strings.LastIndex(webhookAddr, ":")+1:]))
	orphan := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: "orphan"}, Spec: landfallv1alpha1.SpaceSpec{Account: "missing"}}
	g.Eventually(func() error { return cl.Create(t.Context(), orphan) }, 30*time.Second, 200*time.Millisecond).
		Should(MatchError(ContainSubstring("account missing does not exist")))

	// The tenancy reconcilers run in the command: a Space of a real account
	// gets its namespace and becomes Ready.
	acct := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "mgr-test"}}
	g.Expect(cl.Create(t.Context(), acct)).To(Succeed())
	space := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: "mgr-test-web"}, Spec: landfallv1alpha1.SpaceSpec{Account: "mgr-test"}}
	// The webhook reads the account from the manager's cache, which may
	// not hold it yet.
	g.Eventually(func() error { return cl.Create(t.Context(), space) }, 30*time.Second, 200*time.Millisecond).Should(Succeed())
	g.Eventually(func(g Gomega) {
		got := &landfallv1alpha1.Space{}
		g.Expect(cl.Get(t.Context(), client.ObjectKeyFromObject(space), got)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
		ns := &corev1.Namespace{}
		g.Expect(cl.Get(t.Context(), client.ObjectKey{Name: "mgr-test-web"}, ns)).To(Succeed())
	}, 60*time.Second, 250*time.Millisecond).Should(Succeed())
	g.Expect(cl.Delete(t.Context(), acct)).To(Succeed())

	cancel()
	g.Eventually(done, 30*time.Second).Should(Receive(BeNil()))
}
