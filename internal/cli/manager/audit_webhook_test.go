package manager

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/rules"
	"github.com/landfall-dev/landfall/internal/detect/webhook"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/testenv"
)

// syncBuffer collects output written on other goroutines.
type syncBuffer = testenv.SyncBuffer

// auditEvent is one audit.k8s.io/v1 event as the API server sends it.
func auditEvent(id, verb, uri, user string, ref map[string]string, code int, body string) string {
	refJSON := []string{}
	for k, v := range ref {
		refJSON = append(refJSON, fmt.Sprintf("%q:%q", k, v))
	}
	ev := fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":%q,"stage":"ResponseComplete",`+
		`"requestURI":%q,"verb":%q,"user":{"username":%q,"groups":["system:authenticated"]},"sourceIPs":["10.0.0.5"],`+
		`"userAgent":"kubectl/v1.37.2","objectRef":{%s},"responseStatus":{"metadata":{},"code":%d},`+
		`"requestReceivedTimestamp":"2026-01-01T00:00:01.000000Z","stageTimestamp":"2026-01-01T00:00:01.000000Z",`+
		`"annotations":{"authorization.k8s.io/decision":"allow"}`, id, uri, verb, user, strings.Join(refJSON, ","), code)
	if body != "" {
		ev += `,"requestObject":` + body
	}
	return ev + "}"
}

// httpsClient trusts the CA of the API server's webhook config for url,
// as `landfall detect webhook-config` writes it.
func httpsClient(g Gomega, url string, caPEM []byte) *http.Client {
	data, err := detect.WebhookConfig(url, caPEM)
	g.Expect(err).NotTo(HaveOccurred())
	cfg, err := clientcmd.RESTConfigFromKubeConfig(data)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Host).To(Equal(url))
	pool := x509.NewCertPool()
	g.Expect(pool.AppendCertsFromPEM(cfg.CAData)).To(BeTrue())
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// alertEvents lists the receiver's Events of rule in ns.
func alertEvents(ctx context.Context, cs kubernetes.Interface, ns, rule string) ([]corev1.Event, error) {
	list, err := cs.CoreV1().Events(ns).List(ctx, metav1.ListOptions{LabelSelector: "landfall.dev/rule=" + rule})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}

func TestManager_AuditReceiverWritesAlertsAsEvents(t *testing.T) {
	g := NewWithT(t)
	c := env.Cluster(t)
	ns := env.Namespace(t)
	admin := env.Admin(t)
	eventNS := "landfall-audit-" + ns
	t.Cleanup(func() { _ = admin.CoreV1().Namespaces().Delete(context.Background(), eventNS, metav1.DeleteOptions{}) })

	var logs syncBuffer
	log := logr.FromSlogHandler(slog.NewTextHandler(&logs, nil))
	ctrl.SetLogger(log)
	scheme, err := Scheme()
	g.Expect(err).NotTo(HaveOccurred())
	mgr, err := ctrl.NewManager(c.AdminConfig(), ctrl.Options{
		Scheme: scheme, Logger: log, Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0",
	})
	g.Expect(err).NotTo(HaveOccurred())
	certDir := t.TempDir()
	o := auditWebhookOptions{bindAddress: "127.0.0.1:0", certDir: certDir, hosts: []string{"127.0.0.1"}, eventNamespace: eventNS}
	recv, err := o.addTo(mgr, log)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(recv).NotTo(BeNil())
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	defer func() {
		cancel()
		g.Eventually(done, 30*time.Second).Should(Receive(BeNil()))
	}()

	// An exec with a shell in the test's namespace, cluster-admin bound
	// to a user (cluster-scoped), a port-forward in a namespace that is
	// gone, and one item that does not decode.
	gone := "gone-" + ns
	items := []string{
		auditEvent("pf-1", "create", "/api/v1/namespaces/"+gone+"/pods/db/portforward", "mallory",
			map[string]string{"resource": "pods", "namespace": gone, "name": "db", "subresource": "portforward", "apiVersion": "v1"}, 101, ""),
		auditEvent("exec-1", "create", "/api/v1/namespaces/"+ns+"/pods/web/exec?command=sh&container=app&stdin=true", "mallory",
			map[string]string{"resource": "pods", "namespace": ns, "name": "web", "subresource": "exec", "apiVersion": "v1"}, 101, ""),
		auditEvent("crb-1", "create", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "mallory",
			map[string]string{"resource": "clusterrolebindings", "name": "backdoor", "apiGroup": "rbac.authorization.k8s.io", "apiVersion": "v1"}, 201,
			`{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"backdoor"},`+
				`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},`+
				`"subjects":[{"kind":"User","name":"mallory"}]}`),
		`{"auditID": 7}`,
	}
	batch := `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + strings.Join(items, ",") + `]}`
	caPEM, err := os.ReadFile(filepath.Join(certDir, webhook.CertFile))
	g.Expect(err).NotTo(HaveOccurred())
	client := httpsClient(g, recv.URL(), caPEM)
	post := func() {
		g.Eventually(func() (int, error) {
			resp, err := client.Post(recv.URL(), "application/json", strings.NewReader(batch))
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}, 10*time.Second, 100*time.Millisecond).Should(Equal(http.StatusOK))
	}
	post()

	g.Eventually(func(g Gomega) {
		evs, err := alertEvents(t.Context(), admin, ns, "exec-shell")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(evs).To(HaveLen(1))
		ev := evs[0]
		g.Expect(ev.Reason).To(Equal(detect.EventReason))
		g.Expect(ev.Type).To(Equal(corev1.EventTypeWarning))
		g.Expect(ev.Annotations).To(HaveKeyWithValue("landfall.dev/techniques", "MS-TA9007"))
		g.Expect(ev.Annotations).To(HaveKeyWithValue("landfall.dev/user", "mallory"))
		g.Expect(ev.Annotations).To(HaveKeyWithValue("landfall.dev/audit-id", "exec-1"))
		g.Expect(ev.InvolvedObject.Kind).To(Equal("Pod"))
		g.Expect(ev.InvolvedObject.Name).To(Equal("web"))
		g.Expect(ev.Source.Component).To(Equal(detect.EventComponent))
		g.Expect(ev.ReportingInstance).NotTo(BeEmpty())
		g.Expect(ev.Message).To(ContainSubstring(`shell "sh" started in pod ` + ns + "/web"))

		evs, err = alertEvents(t.Context(), admin, ns, "pod-exec")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(evs).To(HaveLen(1))

		// Cluster-scoped: in the receiver's namespace, which it created.
		evs, err = alertEvents(t.Context(), admin, eventNS, "cluster-admin-bound")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(evs).To(HaveLen(1))
		g.Expect(evs[0].Labels).To(HaveKeyWithValue("landfall.dev/severity", "critical"))
		g.Expect(evs[0].Annotations).To(HaveKeyWithValue("landfall.dev/techniques", "MS-TA9019"))
		g.Expect(evs[0].InvolvedObject.Kind).To(Equal("ClusterRoleBinding"))

		// The namespace of the object is gone: the receiver's instead.
		evs, err = alertEvents(t.Context(), admin, eventNS, "pod-portforward")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(evs).To(HaveLen(1))
		g.Expect(evs[0].Message).To(ContainSubstring(gone + "/db"))
	}, 20*time.Second, 100*time.Millisecond).Should(Succeed(), "manager log:\n%s", logs.String())

	// The same batch again (the API server retries): no duplicates.
	post()
	g.Eventually(func() int64 { return recv.Stats().Events }).Should(BeEquivalentTo(6))
	g.Consistently(func() (int, error) {
		evs, err := alertEvents(t.Context(), admin, ns, "exec-shell")
		return len(evs), err
	}, time.Second, 200*time.Millisecond).Should(Equal(1))

	out := logs.String()
	g.Expect(out).To(MatchRegexp(`msg="attack detected" .*rule=exec-shell severity=medium techniques=\[MS-TA9007\] user=mallory`))
	g.Expect(out).To(ContainSubstring(`msg="attack detected" logger=audit-webhook rule=cluster-admin-bound`))
	g.Expect(out).To(ContainSubstring(`msg="malformed audit event"`))
	g.Expect(out).To(ContainSubstring(`msg="created namespace for audit alerts"`))
}

// TestManager_AuditWebhookEndToEnd runs `landfall manager` with its
// receiver as the audit webhook of a second API server, and turns a real
// exec request into a Kubernetes Event.
func TestManager_AuditWebhookEndToEnd(t *testing.T) {
	g := NewWithT(t)
	testenv.RequireBinaries(t, false)
	certDir := t.TempDir()
	_, caPEM, err := webhook.LoadOrGenerate(certDir, []string{"127.0.0.1"})
	g.Expect(err).NotTo(HaveOccurred())
	addr := freeAddr(g)

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	c, err := localcluster.Start(ctx, localcluster.Options{
		Users:        localcluster.SampleUsers,
		FastStorage:  true,
		AuditPolicy:  detect.Policy(rules.All()),
		AuditWebhook: &localcluster.AuditWebhook{URL: "https://" + addr + webhook.Path, CAData: caPEM},
	})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = c.Stop() })

	kubeconfig := c.AdminKubeconfig()
	_, err = execute(ctx, &syncBuffer{}, "install", "--kubeconfig", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	var logs syncBuffer
	mctx, mcancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	gitCache := t.TempDir()
	go func() {
		// Another test runs the command with the same controllers.
		cmd := command(&options{skipNameValidation: true})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		cmd.SetOut(io.Discard)
		cmd.SetErr(&logs)
		cmd.SetArgs([]string{"--kubeconfig", kubeconfig, "--metrics-bind-address", "0", "--health-probe-bind-address", "0",
			"--audit-webhook-bind-address", addr, "--audit-webhook-cert-dir", certDir, "--delivery-cache-dir", gitCache,
			// Installing the tenancy webhooks would itself (rightly) raise
			// webhook-changed alerts; this test is about the receiver.
			"--webhook-bind-address", "0"})
		done <- cmd.ExecuteContext(mctx)
	}()
	defer func() {
		mcancel()
		g.Eventually(done, 30*time.Second).Should(Receive(BeNil()))
	}()
	g.Eventually(logs.String, 20*time.Second).Should(ContainSubstring(`msg="receiving audit events"`))

	admin, err := kubernetes.NewForConfig(c.AdminConfig())
	g.Expect(err).NotTo(HaveOccurred())
	ns := "e2e-audit"
	_, err = admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() error {
		_, err := admin.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		return err
	}, 30*time.Second, 100*time.Millisecond).Should(Succeed())
	_, err = admin.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1.0"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	cfg, err := c.UserConfig("platform-admin")
	g.Expect(err).NotTo(HaveOccurred())
	user, err := kubernetes.NewForConfig(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	// No kubelet answers; the exec is authorized and audited anyway.
	_ = user.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("web").SubResource("exec").
		Param("container", "app").Param("command", "sh").Param("stdout", "true").Do(ctx).Error()

	g.Eventually(func(g Gomega) {
		evs, err := alertEvents(ctx, admin, ns, "exec-shell")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(evs).To(HaveLen(1))
		g.Expect(evs[0].Annotations).To(HaveKeyWithValue("landfall.dev/user", "platform-admin"))
		g.Expect(evs[0].Annotations).To(HaveKeyWithValue("landfall.dev/techniques", "MS-TA9007"))
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())
	g.Expect(logs.String()).To(MatchRegexp(`msg="attack detected" .*rule=exec-shell .*user=platform-admin`))
	// The manager's own traffic (Events, the Cluster controller) and the
	// API server's raise nothing: only the pod (created by hand) and the
	// exec do. The Events' namespace was created.
	fired := map[string]bool{}
	for _, line := range strings.Split(logs.String(), "\n") {
		// The local cluster's own bootstrap binds cluster-admin to
		// platform-admin before the manager runs; the API server may
		// still deliver that buffered event (rightly alerted), or not.
		if strings.Contains(line, "landfall-local:platform-admin") {
			continue
		}
		if m := regexp.MustCompile(`msg="attack detected" logger=audit-webhook rule=(\S+)`).FindStringSubmatch(line); m != nil {
			fired[m[1]] = true
		}
	}
	g.Expect(fired).To(Equal(map[string]bool{"bare-pod-created": true, "pod-exec": true, "exec-shell": true}))
	_, err = admin.CoreV1().Namespaces().Get(ctx, "landfall-system", metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeFalse(), "%v", err)
}

// freeAddr returns a free loopback address (localcluster.FreeAddr).
func freeAddr(g Gomega) string {
	addr, err := localcluster.FreeAddr()
	g.Expect(err).NotTo(HaveOccurred())
	return addr
}
