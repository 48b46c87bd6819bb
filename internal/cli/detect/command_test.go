package detect

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/spf13/cobra"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/testenv"
)

// syncBuffer collects output written on other goroutines.
type syncBuffer = testenv.SyncBuffer

type result struct {
	out, err string
	code     int
	e        error
}

func run(ctx context.Context, stdin string, args ...string) result {
	var out, errOut syncBuffer
	return runTo(ctx, &out, &errOut, stdin, args...)
}

// runTo runs the command writing to out and errOut, which a test may
// read while it runs.
func runTo(ctx context.Context, out, errOut *syncBuffer, stdin string, args ...string) result {
	cmd := Command()
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(ctx)
	return result{out: out.String(), err: errOut.String(), code: cliutil.ExitCode(err), e: err}
}

func TestDetect_TableWithSummaryAndMalformedLineWarnings(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	res := run(t.Context(), "", "testdata/audit.log")
	g.Expect(res.code).To(Equal(0), "%v", res.e)
	g.Expect(res.out).To(MatchRegexp(`(?m)^TIME\s+SEVERITY\s+RULE\s+USER`))
	g.Expect(strings.Count(res.out, " pod-exec ")).To(Equal(2))
	g.Expect(strings.Count(res.out, " exec-shell ")).To(Equal(2))
	g.Expect(strings.Count(res.out, " cluster-admin-bound ")).To(Equal(3))
	g.Expect(strings.Count(res.out, " coredns-modified ")).To(Equal(2))
	g.Expect(res.out).To(ContainSubstring("Summary: 12 events, 10 alerts, 0 allow-listed, 2 malformed lines"))
	g.Expect(res.out).To(MatchRegexp(`(?m)^Execution\s+4\s+exec-shell, pod-exec$`))
	g.Expect(res.out).To(MatchRegexp(`(?m)^Privilege Escalation\s+3\s+cluster-admin-bound$`))
	g.Expect(res.err).To(ContainSubstring("warning: testdata/audit.log:4: malformed audit event"))
	g.Expect(res.err).To(ContainSubstring("warning: testdata/audit.log:12: malformed audit event"))
}

func TestDetect_JSONLinesFromStdinWithFiltersAndExitCodes(t *testing.T) {
	t.Parallel()
	log, err := os.ReadFile("testdata/audit.log")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args      []string
		wantRules map[string]int
		wantCode  int
		wantErr   string
	}{
		"every alert":                 {args: nil, wantRules: map[string]int{"pod-exec": 2, "exec-shell": 2, "cluster-admin-bound": 3, "coredns-modified": 2, "secret-access-denied": 1}},
		"--min-severity high":         {args: []string{"--min-severity", "high"}, wantRules: map[string]int{"cluster-admin-bound": 3, "coredns-modified": 2}},
		"--rules narrows":             {args: []string{"--rules", "pod-*"}, wantRules: map[string]int{"pod-exec": 2}},
		"--exclude-rules narrows":     {args: []string{"--exclude-rules", "c*,secret-*"}, wantRules: map[string]int{"pod-exec": 2, "exec-shell": 2}},
		"the allow-list drops":        {args: []string{"--config", "testdata/allow.yaml", "--rules", "pod-exec"}, wantRules: map[string]int{"pod-exec": 1}},
		"--fail-on critical exits 1":  {args: []string{"--fail-on", "critical", "--min-severity", "high"}, wantRules: map[string]int{"cluster-admin-bound": 3, "coredns-modified": 2}, wantCode: 1, wantErr: "3 alerts at or above critical"},
		"bad config names file:line":  {args: []string{"--config", "testdata/bad.yaml"}, wantCode: 2, wantErr: "testdata/bad.yaml:4: allow[1].reason: required"},
		"unknown rule is usage error": {args: []string{"--rules", "pod-exce"}, wantCode: 2, wantErr: `--rules: "pod-exce" matches no rule`},
		"bad severity":                {args: []string{"--min-severity", "severe"}, wantCode: 2, wantErr: "--min-severity"},
		"bad CIDR":                    {args: []string{"--proxy-cidrs", "10.0.0.0/99"}, wantCode: 2, wantErr: "--proxy-cidrs"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			res := run(t.Context(), string(log), append([]string{"-o", "json", "-"}, tc.args...)...)
			g.Expect(res.code).To(Equal(tc.wantCode), "%v\n%s", res.e, res.err)
			if tc.wantErr != "" {
				g.Expect(res.e).To(MatchError(ContainSubstring(tc.wantErr)))
			}
			if tc.wantCode == 2 {
				return
			}
			got := map[string]int{}
			for _, line := range strings.Split(strings.TrimSpace(res.out), "\n") {
				if line == "" {
					continue
				}
				var a detect.Alert
				g.Expect(json.Unmarshal([]byte(line), &a)).To(Succeed(), line)
				g.Expect(a.Source).To(MatchRegexp(`^stdin:\d+$`))
				got[a.Rule]++
			}
			g.Expect(got).To(Equal(tc.wantRules))
			g.Expect(res.err).To(ContainSubstring("Summary:"), "the summary goes to stderr with -o json")
		})
	}
}

func TestDetect_MissingFileIsAUsageError(t *testing.T) {
	t.Parallel()
	res := run(t.Context(), "", "testdata/none.log")
	NewWithT(t).Expect(res.code).To(Equal(2))
	NewWithT(t).Expect(res.e).To(MatchError(ContainSubstring("testdata/none.log")))
	res = run(t.Context(), "", "--follow", "a.log", "b.log")
	NewWithT(t).Expect(res.e).To(MatchError(ContainSubstring("--follow needs exactly one FILE")))
}

func TestDetect_FollowReportsAppendedEventsUntilInterrupted(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	file := filepath.Join(t.TempDir(), "audit.log")
	g.Expect(os.WriteFile(file, nil, 0o600)).To(Succeed())
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan result, 1)
	var out, errOut syncBuffer
	go func() { done <- runTo(ctx, &out, &errOut, "", "--follow", "-o", "json", file) }()
	exec, err := os.ReadFile("../../detect/rules/testdata/pod-exec/fail.jsonl")
	g.Expect(err).NotTo(HaveOccurred())
	// Following starts at the beginning of the file, so it sees the
	// events however late it starts; interrupt it once all four alerts
	// are out.
	g.Expect(os.WriteFile(file, exec, 0o600)).To(Succeed())
	g.Eventually(func() int { return strings.Count(out.String(), `"rule":`) }, 10*time.Second, 50*time.Millisecond).Should(Equal(4))
	cancel()
	var res result
	g.Eventually(done, 5*time.Second).Should(Receive(&res))
	g.Expect(res.code).To(Equal(0), "%v", res.e)
	g.Expect(strings.Count(res.out, `"rule":"pod-exec"`)).To(Equal(2))
	// Both execs start a shell.
	g.Expect(strings.Count(res.out, `"rule":"exec-shell"`)).To(Equal(2))
	g.Expect(res.err).To(ContainSubstring("4 alerts"))
}

func TestPolicy_PrintsAnAuditPolicy(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	res := run(t.Context(), "", "policy")
	g.Expect(res.code).To(Equal(0))
	g.Expect(res.out).To(ContainSubstring("kind: Policy"))
	g.Expect(res.out).To(ContainSubstring("level: RequestResponse"))
	narrow := run(t.Context(), "", "policy", "--rules", "pod-exec")
	g.Expect(narrow.out).To(ContainSubstring("pods/exec"))
	g.Expect(narrow.out).NotTo(ContainSubstring("RequestResponse"))
}

func TestWebhookConfig_WritesAKubeconfig(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	res := run(t.Context(), "", "webhook-config", "--url", "https://detect.example.com:8443/audit", "--ca-file", "testdata/allow.yaml")
	g.Expect(res.code).To(Equal(0), "%v", res.e)
	cfg, err := clientcmd.Load([]byte(res.out))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Clusters).To(HaveLen(1))
	g.Expect(run(t.Context(), "", "webhook-config").code).NotTo(Equal(0))
	g.Expect(run(t.Context(), "", "webhook-config", "--url", "http://x").code).To(Equal(2))
}

func TestRules_ListsEveryRule(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	res := run(t.Context(), "", "rules", "-o", "json")
	g.Expect(res.code).To(Equal(0))
	var rules []struct {
		ID         string   `json:"id"`
		Techniques []string `json:"techniques"`
	}
	g.Expect(json.Unmarshal([]byte(res.out), &rules)).To(Succeed())
	g.Expect(len(rules)).To(BeNumerically(">=", 30))
}

func TestEveryCommandHasAnExample(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(Command())
}

func TestServe_ReceivesBatchesServesMetricsAndSummarisesOnExit(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cmd := Command()
	var out, errOut syncBuffer
	cmd.SetArgs([]string{"serve", "--listen", "127.0.0.1:0", "--self-signed-dir", dir, "--metrics-addr", "127.0.0.1:0", "-o", "json"})
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	addr := regexp.MustCompile(`receiving audit events on (https://\S+)`)
	maddr := regexp.MustCompile(`serving metrics on (http://\S+)`)
	g.Eventually(errOut.String, 5*time.Second).Should(MatchRegexp(maddr.String()))
	url := addr.FindStringSubmatch(errOut.String())[1]
	metricsURL := maddr.FindStringSubmatch(errOut.String())[1]

	exec, err := os.ReadFile("../../detect/rules/testdata/pod-exec/fail.jsonl")
	g.Expect(err).NotTo(HaveOccurred())
	items := strings.Join(strings.Split(strings.TrimSpace(string(exec)), "\n"), ",")
	body := fmt.Sprintf(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[%s]}`, items)

	// Trust the generated certificate, as the webhook config would.
	kubeconfig := run(t.Context(), "", "webhook-config", "--url", url, "--ca-file", filepath.Join(dir, "tls.crt"))
	g.Expect(kubeconfig.code).To(Equal(0))
	rest, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig.out))
	g.Expect(err).NotTo(HaveOccurred())
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	pool, err := x509Pool(rest.CAData)
	g.Expect(err).NotTo(HaveOccurred())
	tlsCfg.RootCAs = pool
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg}}
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))

	mresp, err := http.Get(metricsURL)
	g.Expect(err).NotTo(HaveOccurred())
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	g.Expect(string(metrics)).To(ContainSubstring(`landfall_detect_alerts_total{rule="pod-exec",severity="medium"} 2`))
	g.Expect(string(metrics)).To(ContainSubstring("landfall_detect_events_total 3"))

	cancel()
	g.Eventually(done, 5*time.Second).Should(Receive(BeNil()))
	g.Expect(strings.Count(out.String(), `"rule":"pod-exec"`)).To(Equal(2))
	g.Expect(errOut.String()).To(ContainSubstring("Summary: 3 events, 4 alerts"))
}
