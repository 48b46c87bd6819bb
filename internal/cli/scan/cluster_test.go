package scan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/posture/checks"
)

// runCluster runs `landfall scan --cluster args...` with the built-in
// checks and a small LIST page size.
func runCluster(t *testing.T, args ...string) result {
	t.Helper()
	cmd := newCommand(deps{
		registry: checks.Registry,
		now:      func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
		version:  func() string { return "test" },
		pageSize: 3,
	})
	var out, errOut bytes.Buffer
	cmd.SetArgs(append([]string{"--cluster"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(t.Context())
	return result{out: out.String(), err: err, code: cliutil.ExitCode(err)}
}

// clusterReport is the part of the JSON report the tests read.
type clusterReport struct {
	Root     string `json:"root"`
	Findings []struct {
		Check  string `json:"check"`
		Object struct {
			Kind, Namespace, Name string
		} `json:"object"`
		Source struct {
			File    string `json:"file"`
			Cluster string `json:"cluster"`
		} `json:"source"`
	} `json:"findings"`
	Completeness *struct {
		Cluster     string `json:"cluster"`
		Percent     int    `json:"percent"`
		NotAssessed []struct {
			Kind, Status string
		} `json:"notAssessed"`
	} `json:"completeness"`
}

// privilegedPod seeds a privileged pod with an exception annotation for
// one check and returns its namespace.
func privilegedPod(t *testing.T) string {
	t.Helper()
	ns := env.Namespace(t)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "root-shell", Namespace: ns, Annotations: map[string]string{
			"landfall.dev/ignore": "image-not-pinned", "landfall.dev/ignore-reason": "test",
		}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "shell", Image: "busybox:1.36",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		}}},
	}
	if _, err := env.Admin(t).CoreV1().Pods(ns).Create(t.Context(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating pod: %v", err)
	}
	return ns
}

func TestScanCluster_JSONReportsLiveFindingsAndCompleteness(t *testing.T) {
	g := NewWithT(t)
	ns := privilegedPod(t)
	kubeconfig := env.Cluster(t).AdminKubeconfig()

	res := runCluster(t, "--kubeconfig", kubeconfig, "-o", "json", "--fail-on", "critical")
	g.Expect(res.code).To(Equal(cliutil.ExitFailure), "error: %v", res.err)
	g.Expect(res.err).To(MatchError(ContainSubstring("at or above critical")))

	var r clusterReport
	g.Expect(json.Unmarshal([]byte(res.out), &r)).To(Succeed())
	g.Expect(r.Completeness).NotTo(BeNil())
	g.Expect(r.Completeness.Percent).To(Equal(100))
	g.Expect(r.Completeness.NotAssessed).To(BeEmpty())
	checksOnPod := map[string]bool{}
	for _, f := range r.Findings {
		g.Expect(f.Source.File).To(BeEmpty())
		g.Expect(f.Source.Cluster).To(Equal(r.Completeness.Cluster))
		if f.Object.Kind == "Pod" && f.Object.Namespace == ns && f.Object.Name == "root-shell" {
			checksOnPod[f.Check] = true
		}
	}
	g.Expect(checksOnPod).To(HaveKey("privileged-container"))
	g.Expect(checksOnPod).NotTo(HaveKey("image-not-pinned"), "the annotation exception applies")
	g.Expect(res.out).NotTo(ContainSubject("secret-in-manifest"))
}

// ContainSubject matches JSON text naming a check.
func ContainSubject(check string) OmegaMatcher { return ContainSubstring(`"check": "` + check + `"`) }

func TestScanCluster_RestrictedUserGetsAPartialTable(t *testing.T) {
	g := NewWithT(t)
	privilegedPod(t)
	kubeconfig, err := env.Cluster(t).UserKubeconfig("alice")
	g.Expect(err).NotTo(HaveOccurred())

	res := runCluster(t, "--kubeconfig", kubeconfig)
	g.Expect(res.code).To(Equal(cliutil.ExitUsage), "a scan that saw nothing must not pass")
	g.Expect(res.err).To(MatchError(ContainSubstring("no object kind could be listed")))
	g.Expect(res.out).To(MatchRegexp(`Completeness: \d+% \(\d+ of \d+ object kinds assessed\)\.`))
	g.Expect(res.out).NotTo(ContainSubstring("Completeness: 100%"))
	g.Expect(res.out).To(ContainSubstring("Pod: not assessed: forbidden"))
	g.Expect(res.out).To(ContainSubstring("Checks not assessed (findings dropped):"))
	g.Expect(strings.Count(res.out, "root-shell")).To(BeZero(), "alice cannot list pods")

	res = runCluster(t, "--kubeconfig", kubeconfig, "--allow-empty")
	g.Expect(res.code).To(Equal(cliutil.ExitOK), "error: %v", res.err)
}

func TestScanCluster_NamespaceNamesSkippedKinds(t *testing.T) {
	g := NewWithT(t)
	ns := privilegedPod(t)
	res := runCluster(t, "--kubeconfig", env.Cluster(t).AdminKubeconfig(), "-n", ns)
	g.Expect(res.code).To(Equal(cliutil.ExitOK), "error: %v", res.err)
	g.Expect(res.out).To(ContainSubstring("Pod/" + ns + "/root-shell"))
	g.Expect(res.out).To(ContainSubstring("(namespace " + ns + ")"))
	g.Expect(res.out).To(MatchRegexp(`Skipped \(cluster-scoped, outside the namespace\):\n  .*ClusterRoleBinding`))
}
