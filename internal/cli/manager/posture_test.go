package manager

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestManager_PostureReport runs the manager with --posture-scan-interval:
// it creates the PostureReport "cluster" with that interval, scans, and
// serves the summary as metrics on its metrics endpoint.
func TestManager_PostureReport(t *testing.T) {
	g := NewWithT(t)
	c := env.Cluster(t)
	kubeconfig := c.AdminKubeconfig()
	_, err := execute(t.Context(), io.Discard, "install", "--kubeconfig", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())

	scheme, err := Scheme()
	g.Expect(err).NotTo(HaveOccurred())
	cl, err := client.New(c.AdminConfig(), client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())
	// Another test's manager may have made the report with the default
	// interval.
	key := client.ObjectKey{Name: landfallv1alpha1.PostureReportName}
	g.Expect(client.IgnoreNotFound(cl.Delete(t.Context(), &landfallv1alpha1.PostureReport{ObjectMeta: metav1.ObjectMeta{Name: key.Name}}))).To(Succeed())
	g.Eventually(func() error { return cl.Get(t.Context(), key, &landfallv1alpha1.PostureReport{}) }, 30*time.Second, 100*time.Millisecond).
		Should(Satisfy(apierrors.IsNotFound))

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	metricsAddr, webhookAddr := freeAddr(g), freeAddr(g)
	webhookCerts, gitCache := t.TempDir(), t.TempDir()
	go func() {
		// Controller names are process-global: another test may have run
		// the command already.
		cmd := command(&options{skipNameValidation: true})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SetArgs([]string{"--kubeconfig", kubeconfig, "--metrics-bind-address", metricsAddr, "--health-probe-bind-address", "0",
			"--webhook-bind-address", webhookAddr, "--webhook-cert-dir", webhookCerts, "--delivery-cache-dir", gitCache,
			"--posture-scan-interval", "7m"})
		done <- cmd.ExecuteContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		g.Eventually(done, 30*time.Second).Should(Receive(BeNil()))
	})

	report := &landfallv1alpha1.PostureReport{}
	g.Eventually(func(g Gomega) {
		g.Expect(cl.Get(t.Context(), key, report)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(report.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
	}, 60*time.Second, 200*time.Millisecond).Should(Succeed())
	t.Cleanup(func() { _ = cl.Delete(context.Background(), report) })
	g.Expect(report.GetInterval()).To(Equal(7 * time.Minute))
	s := report.Status
	g.Expect(s.Completeness.Percent).To(Equal(int32(100)), "the admin kubeconfig reads every kind")
	g.Expect(s.Objects).To(BeNumerically(">", 0))

	// The endpoint serves the values of the status: the interval is 7m
	// and nothing in this cluster changes, so no other scan comes between.
	var body string
	g.Eventually(func(g Gomega) {
		resp, err := http.Get("http://" + metricsAddr + "/metrics") //nolint:noctx // test scrape
		g.Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		g.Expect(err).NotTo(HaveOccurred())
		body = string(b)
		g.Expect(body).To(ContainSubstring("landfall_posture_score "))
	}, 10*time.Second, 200*time.Millisecond).Should(Succeed())
	g.Expect(metricValue(body, "landfall_posture_score")).To(BeEquivalentTo(*s.Score))
	g.Expect(metricValue(body, "landfall_posture_objects")).To(BeEquivalentTo(s.Objects))
	g.Expect(metricValue(body, "landfall_posture_kinds_not_assessed")).To(BeEquivalentTo(0))
	g.Expect(metricValue(body, "landfall_posture_namespaces_with_findings")).To(BeEquivalentTo(s.Namespaces))
	g.Expect(metricValue(body, "landfall_posture_last_scan_timestamp_seconds")).To(BeEquivalentTo(s.LastScanTime.Unix()))
	// Counters are process-wide: other managers of this test binary add
	// to them.
	g.Expect(metricValue(body, `landfall_posture_scans_total{result="success"}`)).To(BeNumerically(">=", 1))
	g.Expect(metricValue(body, "landfall_posture_scan_duration_seconds_count")).To(BeNumerically(">=", 1))
	for _, tc := range s.Tactics {
		for sev, n := range map[string]int32{"critical": tc.Critical, "high": tc.High, "medium": tc.Medium, "low": tc.Low} {
			series := fmt.Sprintf("landfall_posture_findings{severity=%q,tactic=%q}", sev, tc.ID)
			g.Expect(metricValue(body, series)).To(BeEquivalentTo(n), series)
		}
	}
	g.Expect(strings.Count(body, "landfall_posture_findings{")).To(Equal(4*11), "every severity for every tactic and Unmapped")
}

// metricValue returns the value of the sample named series (with its
// labels) in a text exposition, or -1.
func metricValue(body, series string) float64 {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}
