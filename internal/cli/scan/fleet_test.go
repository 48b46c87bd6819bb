package scan

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/config/crd"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/fleet"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/testenv"
)

// fleetResult is one in-process run of `landfall scan --fleet`.
type fleetResult struct {
	out, errOut string
	err         error
	code        int
}

// runFleet runs `landfall scan --fleet args...` with the built-in checks.
func runFleet(t *testing.T, args ...string) fleetResult {
	t.Helper()
	cmd := newCommand(deps{
		registry: checks.Registry,
		now:      func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
		version:  func() string { return "test" },
	})
	var out, errOut bytes.Buffer
	cmd.SetArgs(append([]string{"--fleet"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(t.Context())
	r := fleetResult{out: out.String(), errOut: errOut.String(), err: err, code: cliutil.ExitCode(err)}
	if err != nil {
		r.errOut += err.Error()
	}
	return r
}

// fleetReport is the part of the --fleet JSON document the test reads.
type fleetReport struct {
	SchemaVersion string `json:"schemaVersion"`
	Summary       struct {
		Clusters, Scanned, Skipped, Failed int
	} `json:"summary"`
	Clusters []struct {
		Name     string                  `json:"name"`
		Ready    bool                    `json:"ready"`
		Status   string                  `json:"status"`
		Reason   string                  `json:"reason"`
		Summary  *struct{ Findings int } `json:"summary"`
		Findings []struct {
			Check  string `json:"check"`
			Object struct{ Kind, Namespace, Name string }
		} `json:"findings"`
		Completeness *struct{ Cluster string } `json:"completeness"`
	} `json:"clusters"`
}

func TestScanFleet_OneColumnPerReadyCluster(t *testing.T) {
	g := NewWithT(t)
	hub := env.Cluster(t)
	testenv.RequireBinaries(t, false)
	if _, err := crd.Install(t.Context(), hub.AdminConfig(), time.Minute); err != nil {
		t.Fatalf("installing CRDs: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	spoke, err := localcluster.Start(ctx, localcluster.Options{Nodes: 0, FastStorage: true})
	cancel()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = spoke.Stop() })

	s, err := cliutil.Scheme()
	g.Expect(err).NotTo(HaveOccurred())
	c, err := client.New(hub.AdminConfig(), client.Options{Scheme: s})
	g.Expect(err).NotTo(HaveOccurred())

	// The same namespace on both clusters, a privileged pod only on the
	// spoke: scanning that namespace, the hub has nothing to report.
	ns := env.Namespace(t)
	spokeCS, err := kubernetes.NewForConfig(spoke.AdminConfig())
	g.Expect(err).NotTo(HaveOccurred())
	_, err = spokeCS.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = spokeCS.CoreV1().ServiceAccounts(ns).Create(t.Context(), &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating service account: %v", err)
	}
	_, err = spokeCS.CoreV1().Pods(ns).Create(t.Context(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "root-shell", Namespace: ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "shell", Image: "busybox:1.36",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	// The spoke's kubeconfig Secret, as `landfall cluster add` stores it.
	data, err := fleet.PrepareKubeconfig(spoke.AdminKubeconfig(), "")
	g.Expect(err).NotTo(HaveOccurred())
	secretNS := env.Namespace(t)
	g.Expect(c.Create(t.Context(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: secretNS, Name: fleet.KubeconfigSecretName("spoke")},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{landfallv1alpha1.DefaultKubeConfigKey: data},
	})).To(Succeed())

	suffix := "-" + ns // Cluster objects are cluster-scoped: unique names
	register := func(name string, spec landfallv1alpha1.ClusterSpec, ready metav1.ConditionStatus, reason string) {
		t.Helper()
		obj := &landfallv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name + suffix, Labels: map[string]string{"fleet-test": ns}}, Spec: spec}
		g.Expect(c.Create(t.Context(), obj)).To(Succeed())
		t.Cleanup(func() { _ = c.Delete(context.Background(), obj) })
		meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{
			Type: landfallv1alpha1.ReadyCondition, Status: ready, Reason: reason, Message: "set by the test",
		})
		g.Expect(c.Status().Update(t.Context(), obj)).To(Succeed())
	}
	register("hub", landfallv1alpha1.ClusterSpec{InCluster: true, Environments: []string{"platform"}}, metav1.ConditionTrue, "Succeeded")
	register("spoke", landfallv1alpha1.ClusterSpec{
		Environments: []string{"prod"},
		KubeConfig: &landfallv1alpha1.KubeConfigReference{
			Namespace: secretNS, Name: fleet.KubeconfigSecretName("spoke"), Key: landfallv1alpha1.DefaultKubeConfigKey,
		},
	}, metav1.ConditionTrue, "Succeeded")
	register("down", landfallv1alpha1.ClusterSpec{InCluster: true, Environments: []string{"dev"}}, metav1.ConditionFalse, "Unreachable")

	args := []string{"--kubeconfig", hub.AdminKubeconfig(), "-l", "fleet-test=" + ns, "-n", ns}
	res := runFleet(t, append(args, "--fail-on", "high")...)
	g.Expect(res.code).To(Equal(cliutil.ExitFailure), "out:\n%s\nerr: %v", res.out, res.err)
	g.Expect(res.err).To(MatchError(ContainSubstring("across the fleet")))
	hubCol, spokeCol := "hub"+suffix, "spoke"+suffix
	header := regexp.MustCompile(`(?m)^CHECK\s+SEVERITY\s+TECHNIQUES\s+(\S+)\s+(\S+)\s+(\S+)\s*$`).FindStringSubmatch(res.out)
	g.Expect(header).NotTo(BeNil(), "%s", res.out)
	g.Expect(header[1:]).To(Equal([]string{"down" + suffix, hubCol, spokeCol}), "columns sorted by name")
	row := regexp.MustCompile(`(?m)^privileged-container\s+\S+\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s*$`).FindStringSubmatch(res.out)
	g.Expect(row).NotTo(BeNil(), "%s", res.out)
	g.Expect(row[1:3]).To(Equal([]string{"-", "0"}), "down is skipped, hub has no privileged pod")
	g.Expect(row[3]).NotTo(Equal("0"))
	g.Expect(res.out).To(MatchRegexp(`(?m)^COMPLETENESS\s+skipped\s+100%\s+100%\s*$`))
	g.Expect(res.out).To(ContainSubstring("down" + suffix + ": skipped: not Ready (Unreachable)"))
	g.Expect(res.out).To(ContainSubstring(spokeCol + ": scanned: "))

	res = runFleet(t, append(args, "-o", "json")...)
	g.Expect(res.code).To(Equal(cliutil.ExitOK), "out:\n%s\nerr: %v", res.out, res.err)
	var r fleetReport
	g.Expect(json.Unmarshal([]byte(res.out), &r)).To(Succeed())
	g.Expect(r.Summary.Clusters).To(Equal(3))
	g.Expect(r.Summary.Scanned).To(Equal(2))
	g.Expect(r.Summary.Skipped).To(Equal(1))
	g.Expect(r.Clusters).To(HaveLen(3))
	byName := map[string]int{}
	for i, cl := range r.Clusters {
		byName[cl.Name] = i
	}
	down, h, sp := r.Clusters[byName["down"+suffix]], r.Clusters[byName[hubCol]], r.Clusters[byName[spokeCol]]
	g.Expect(down.Ready).To(BeFalse())
	g.Expect(down.Status).To(Equal("skipped"))
	g.Expect(down.Reason).To(ContainSubstring("Unreachable"))
	g.Expect(h.Ready).To(BeTrue())
	g.Expect(h.Completeness).NotTo(BeNil())
	g.Expect(h.Completeness.Cluster).To(Equal(hubCol))
	g.Expect(sp.Completeness).NotTo(BeNil())
	g.Expect(sp.Summary).NotTo(BeNil())
	onPod := func(fs []struct {
		Check  string `json:"check"`
		Object struct{ Kind, Namespace, Name string }
	}) bool {
		for _, f := range fs {
			if f.Check == "privileged-container" && f.Object.Name == "root-shell" {
				return true
			}
		}
		return false
	}
	g.Expect(onPod(sp.Findings)).To(BeTrue())
	g.Expect(onPod(h.Findings)).To(BeFalse())

	// No credential of the Secret appears anywhere.
	kc, err := clientcmd.Load(data)
	g.Expect(err).NotTo(HaveOccurred())
	var secrets [][]byte
	for _, u := range kc.AuthInfos {
		for _, b := range [][]byte{u.ClientKeyData, u.ClientCertificateData, []byte(u.Token)} {
			if len(b) > 0 {
				secrets = append(secrets, b, []byte(base64.StdEncoding.EncodeToString(b)))
			}
		}
	}
	g.Expect(secrets).NotTo(BeEmpty())
	for _, out := range []string{res.out, res.errOut, runFleet(t, args...).out} {
		for _, sec := range secrets {
			// The PEM body lines are what a leak would show.
			for _, line := range strings.Split(string(sec), "\n") {
				if len(line) > 20 && !strings.HasPrefix(line, "-----") {
					g.Expect(out).NotTo(ContainSubstring(line))
				}
			}
		}
	}
}

func TestScanFleet_UnreachableClusterFailsOnlyItsColumn(t *testing.T) {
	g := NewWithT(t)
	hub := env.Cluster(t)
	if _, err := crd.Install(t.Context(), hub.AdminConfig(), time.Minute); err != nil {
		t.Fatalf("installing CRDs: %v", err)
	}
	s, err := cliutil.Scheme()
	g.Expect(err).NotTo(HaveOccurred())
	c, err := client.New(hub.AdminConfig(), client.Options{Scheme: s})
	g.Expect(err).NotTo(HaveOccurred())
	ns := env.Namespace(t)
	for _, obj := range []*landfallv1alpha1.Cluster{
		{ObjectMeta: metav1.ObjectMeta{Name: "ok-" + ns, Labels: map[string]string{"fleet-test": ns}}, Spec: landfallv1alpha1.ClusterSpec{InCluster: true, Environments: []string{"dev"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "gone-" + ns, Labels: map[string]string{"fleet-test": ns}}, Spec: landfallv1alpha1.ClusterSpec{Environments: []string{"dev"},
			KubeConfig: &landfallv1alpha1.KubeConfigReference{Namespace: ns, Name: "missing", Key: landfallv1alpha1.DefaultKubeConfigKey}}},
	} {
		g.Expect(c.Create(t.Context(), obj)).To(Succeed())
		t.Cleanup(func() { _ = c.Delete(context.Background(), obj) })
		meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionTrue, Reason: "Succeeded"})
		g.Expect(c.Status().Update(t.Context(), obj)).To(Succeed())
	}
	res := runFleet(t, "--kubeconfig", hub.AdminKubeconfig(), "-l", "fleet-test="+ns, "-n", ns)
	g.Expect(res.code).To(Equal(cliutil.ExitUsage), "out:\n%s", res.out)
	g.Expect(res.err).To(MatchError(ContainSubstring("1 of 2 clusters could not be scanned: gone-" + ns)))
	g.Expect(res.out).To(MatchRegexp(`(?m)^COMPLETENESS\s+error\s+100%\s*$`))
	g.Expect(res.out).To(ContainSubstring("gone-" + ns + ": error: kubeconfig secret " + ns + "/missing not found"))
}

func TestScanFleet_UsageErrors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args    []string
		wantErr string
	}{
		"with --cluster": {[]string{"--cluster"}, "--cluster and --fleet are mutually exclusive"},
		"with a PATH":    {[]string{"testdata/clean"}, "--fleet scans the fleet's clusters and takes no PATH arguments"},
		"with -o sarif":  {[]string{"-o", "sarif"}, "--fleet writes -o table or json, not sarif"},
		"bad selector":   {[]string{"-l", "a in ("}, "--selector"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := runScan(t, "", append([]string{"--fleet"}, tc.args...)...)
			NewWithT(t).Expect(res.code).To(Equal(cliutil.ExitUsage), "%v", res.err)
			NewWithT(t).Expect(res.err).To(MatchError(ContainSubstring(tc.wantErr)))
		})
	}
}
