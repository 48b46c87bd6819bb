package integration

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/rules"
	"github.com/landfall-dev/landfall/internal/detect/webhook"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/testenv"
)

var (
	env *testenv.Env
	// fromWebhook sees what the API server's audit webhook delivers.
	fromWebhook *source
	// fromFile sees what detect.Follow reads from the audit log; it is
	// started by the first test that needs it.
	fromFile     *source
	followOnce   sync.Once
	followCancel context.CancelFunc
)

// settings are the rule settings of both sources: the pod network of a
// typical cluster (the tests' clients call from 127.0.0.1, outside it) and
// bursts of 10 deletes within 30 seconds.
func settings() detect.Settings {
	return detect.Settings{
		ServiceAccountCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")},
		BurstThreshold:      10,
		BurstWindow:         30 * time.Second,
	}
}

func TestMain(m *testing.M) {
	var err error
	if fromWebhook, err = newSource("webhook"); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	}
	certPEM, keyPEM, err := webhook.SelfSigned([]string{"127.0.0.1"}, time.Hour)
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	}
	srv, err := webhook.Listen("127.0.0.1:0", cert, webhook.NewHandler(fromWebhook))
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	}
	go func() { _ = srv.Serve() }()
	code := testenv.Run(m, testenv.Options{Configure: func(o *localcluster.Options) {
		// The same function `landfall detect policy` prints.
		o.AuditPolicy = detect.Policy(rules.All())
		o.AuditWebhook = &localcluster.AuditWebhook{URL: srv.URL(), CAData: certPEM}
	}}, &env)
	if followCancel != nil {
		followCancel()
	}
	srv.Close()
	os.Exit(code)
}

// source is one way audit events reach a detector, with the alerts it
// raised and the latest request time it has seen.
type source struct {
	name     string
	detector *detect.Detector

	mu     sync.Mutex
	alerts []detect.Alert
	latest time.Time
}

func newSource(name string) (*source, error) {
	reg, err := rules.Registry()
	if err != nil {
		return nil, err
	}
	s := settings()
	engine, err := detect.NewEngine(reg, detect.Options{Settings: &s})
	if err != nil {
		return nil, err
	}
	src := &source{name: name}
	src.detector = detect.NewDetector(engine, nil, detect.SinkFunc(func(a detect.Alert) error {
		src.mu.Lock()
		src.alerts = append(src.alerts, a)
		src.mu.Unlock()
		return nil
	}))
	return src, nil
}

// Event implements detect.Handler.
func (s *source) Event(ev *detect.Event, pos detect.Position) {
	s.detector.Event(ev, pos)
	s.mu.Lock()
	if t := ev.Time(); t.After(s.latest) {
		s.latest = t
	}
	s.mu.Unlock()
}

// Malformed implements detect.Handler.
func (s *source) Malformed(m detect.Malformed) { s.detector.Malformed(m) }

// seen reports whether the source has read an event received at or after t.
func (s *source) seen(t time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.latest.Before(t)
}

// within returns the alerts on requests received in [from, to].
func (s *source) within(from, to time.Time) []detect.Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []detect.Alert
	for _, a := range s.alerts {
		if !a.Time.Before(from) && !a.Time.After(to) {
			out = append(out, a)
		}
	}
	return out
}

// sources returns both sources, starting the file follower on first use.
func sources(t *testing.T) []*source {
	t.Helper()
	path := env.Cluster(t).AuditLogPath()
	followOnce.Do(func() {
		var err error
		if fromFile, err = newSource("file"); err != nil {
			t.Fatalf("building the file source: %v", err)
		}
		// The follower outlives the test that starts it: TestMain
		// cancels it after every test has run.
		ctx, cancel := context.WithCancel(context.Background())
		followCancel = cancel
		go func() {
			if err := detect.Follow(ctx, path, detect.FollowOptions{Poll: 50 * time.Millisecond}, fromFile); err != nil {
				fmt.Fprintf(os.Stderr, "following the audit log: %v\n", err)
			}
		}()
	})
	return []*source{fromFile, fromWebhook}
}

// scenario runs attack between two marks and asserts that each source
// raised exactly the alerts of want, given as "rule user" strings, on the
// requests received in between.
func scenario(t *testing.T, want []string, attack func(t *testing.T)) {
	t.Helper()
	g := NewWithT(t)
	srcs := sources(t)
	start := time.Now().Truncate(time.Microsecond)
	attack(t)
	end := time.Now()

	// A marker request after the attack: once a source has read it, it
	// has read everything the attack did (give the log a moment for
	// events written just after their responses).
	marker := time.Now().Truncate(time.Microsecond)
	_, err := env.Admin(t).CoreV1().Namespaces().Get(t.Context(), "default", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	for _, s := range srcs {
		g.Eventually(func() bool { return s.seen(marker) }, 20*time.Second, 50*time.Millisecond).
			Should(BeTrue(), "%s source did not catch up", s.name)
	}
	time.Sleep(300 * time.Millisecond)

	want = append([]string{}, want...)
	slices.Sort(want)
	for _, s := range srcs {
		got := keys(s.within(start, end))
		g.Expect(got).To(Equal(want), "alerts from the %s source:\n%s", s.name, describe(s.within(start, end)))
		n, mal := s.detector.MalformedLines()
		g.Expect(n).To(BeZero(), "malformed audit events from the %s source: %v", s.name, mal)
	}
}

func keys(alerts []detect.Alert) []string {
	out := []string{}
	for _, a := range alerts {
		out = append(out, a.Rule+" "+a.User)
	}
	slices.Sort(out)
	return out
}

func describe(alerts []detect.Alert) string {
	var b strings.Builder
	for _, a := range alerts {
		fmt.Fprintf(&b, "  %s %s %s %s: %s\n", a.Rule, a.User, a.Verb, a.Object(), a.Message)
	}
	return b.String()
}

// pod returns a plain pod.
func pod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1.0"}}},
	}
}
