package detect_test

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

func decode(t *testing.T, line string) *detect.Event {
	t.Helper()
	ev := &detect.Event{}
	if err := detect.DecodeEvent([]byte(line), ev); err != nil {
		t.Fatalf("decoding %s: %v", line, err)
	}
	return ev
}

func newEngine(t *testing.T, cfg *detect.Config, settings *detect.Settings, rules ...detect.Rule) *detect.Engine {
	t.Helper()
	reg, err := detect.NewRegistry(rules...)
	if err != nil {
		t.Fatal(err)
	}
	e, err := detect.NewEngine(reg, detect.Options{Config: cfg, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEngine_EvaluatesEachRequestOnce(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	e := newEngine(t, nil, nil, execRule)
	now := time.Now()
	started := strings.Replace(eventLine("x", "alice", "create", "pods", "exec", "ns", "p", now), `"ResponseComplete"`, `"ResponseStarted"`, 1)
	received := strings.Replace(eventLine("x", "alice", "create", "pods", "exec", "ns", "p", now), `"ResponseComplete"`, `"RequestReceived"`, 1)
	var alerts []detect.Alert
	for _, l := range []string{received, started, eventLine("x", "alice", "create", "pods", "exec", "ns", "p", now)} {
		alerts = e.Process(alerts, decode(t, l), detect.Position{Name: "f", Line: 1})
	}
	g.Expect(alerts).To(HaveLen(1))
	// A request recorded only at ResponseComplete is evaluated there.
	alerts = e.Process(alerts[:0], decode(t, eventLine("y", "alice", "create", "pods", "exec", "ns", "p", now)), detect.Position{Name: "f", Line: 2})
	g.Expect(alerts).To(HaveLen(1))
	a := alerts[0]
	g.Expect(a.Rule).To(Equal("test-exec"))
	g.Expect(a.AuditID).To(Equal("y"))
	g.Expect(a.Source).To(Equal("f:2"))
	g.Expect(a.User).To(Equal("alice"))
	g.Expect(a.Tactics).To(Equal([]string{"execution"}))
	g.Expect(a.Object()).To(Equal("pods/exec ns/p"))
	g.Expect(e.Stats().Evaluated).To(Equal(int64(2)))
}

func TestEngine_AllowListDropsMatchingAlertsOnly(t *testing.T) {
	t.Parallel()
	cfg, err := detect.ParseConfig("detect.yaml", []byte(`
allow:
- reason: debugging namespace
  rules: [test-exec]
  namespaces: [debug-*]
- reason: the SRE group
  groups: [sre]
`))
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, cfg, nil, execRule)
	now := time.Now()
	tests := map[string]struct {
		line string
		want int
	}{
		"exec in an allowed namespace is dropped": {eventLine("1", "alice", "create", "pods", "exec", "debug-1", "p", now), 0},
		"exec elsewhere alerts":                   {eventLine("2", "alice", "create", "pods", "exec", "prod", "p", now), 1},
		"exec by the allowed group is dropped": {strings.Replace(eventLine("3", "bob", "create", "pods", "exec", "prod", "p", now),
			`"system:authenticated"`, `"sre","system:authenticated"`, 1), 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Expect(e.Process(nil, decode(t, tc.line), detect.Position{})).To(HaveLen(tc.want))
		})
	}
}

func TestEngine_BurstFiresOncePerThresholdWithinTheWindowPerUser(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	s := detect.Settings{BurstThreshold: 3, BurstWindow: 10 * time.Second}
	e := newEngine(t, nil, &s, deleteRule)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fire := func(user string, at time.Duration) int {
		return len(e.Process(nil, decode(t, eventLine("d", user, "delete", "pods", "", "ns", "p", t0.Add(at))), detect.Position{}))
	}
	g.Expect(fire("alice", 0)).To(Equal(0))
	g.Expect(fire("bob", time.Second)).To(Equal(0))
	g.Expect(fire("alice", 2*time.Second)).To(Equal(0))
	g.Expect(fire("alice", 3*time.Second)).To(Equal(1), "third delete within 10s")
	g.Expect(fire("alice", 4*time.Second)).To(Equal(0), "the count starts again after a burst")
	// Spread out: never three within the window.
	g.Expect(fire("bob", 20*time.Second)).To(Equal(0))
	g.Expect(fire("bob", 31*time.Second)).To(Equal(0))
	g.Expect(fire("bob", 42*time.Second)).To(Equal(0))
}

func TestEngine_BurstStateIsBounded(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	reg, _ := detect.NewRegistry(deleteRule)
	s := detect.Settings{BurstThreshold: 2, BurstWindow: time.Hour}
	e, err := detect.NewEngine(reg, detect.Options{Settings: &s, MaxBurstKeys: 100})
	g.Expect(err).NotTo(HaveOccurred())
	t0 := time.Now()
	// 10,000 users with one delete each: the oldest are forgotten, and
	// a user whose single delete was forgotten needs two more.
	for i := range 10000 {
		e.Process(nil, decode(t, eventLine("d", id(i), "delete", "pods", "", "ns", "p", t0.Add(time.Duration(i)*time.Millisecond))), detect.Position{})
	}
	got := e.Process(nil, decode(t, eventLine("d", id(0), "delete", "pods", "", "ns", "p", t0.Add(11*time.Second))), detect.Position{})
	g.Expect(got).To(BeEmpty(), "user 0's first delete was evicted")
	got = e.Process(nil, decode(t, eventLine("d", id(9999), "delete", "pods", "", "ns", "p", t0.Add(11*time.Second))), detect.Position{})
	g.Expect(got).To(HaveLen(1), "a recent user is still tracked")
}

func TestEngine_MinSeverityDropsLowerAlerts(t *testing.T) {
	t.Parallel()
	reg, _ := detect.NewRegistry(execRule)
	e, err := detect.NewEngine(reg, detect.Options{MinSeverity: posture.SeverityHigh})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	NewWithT(t).Expect(e.Process(nil, decode(t, eventLine("1", "a", "create", "pods", "exec", "n", "p", time.Now())), detect.Position{})).To(BeEmpty())
}

func TestEngine_SummaryCountsAlertsPerTactic(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	e := newEngine(t, nil, nil, execRule)
	for i := range 3 {
		e.Process(nil, decode(t, eventLine(id(i), "a", "create", "pods", "exec", "n", "p", time.Now())), detect.Position{})
	}
	g.Expect(e.Summary()).To(Equal([]detect.TacticSummary{{Tactic: "execution", Name: "Execution", Alerts: 3, Rules: []string{"test-exec"}}}))
}

func TestNewRegistry_RejectsBadRules(t *testing.T) {
	t.Parallel()
	bad := func(mod func(*detect.Rule)) detect.Rule { r := execRule; mod(&r); return r }
	tests := map[string]struct {
		rules []detect.Rule
		want  string
	}{
		"duplicate ID":            {[]detect.Rule{execRule, execRule}, "duplicate rule id: test-exec"},
		"unknown technique":       {[]detect.Rule{bad(func(r *detect.Rule) { r.Techniques = []string{"MS-TA9999"} })}, "not in the Threat Matrix catalog"},
		"retired technique":       {[]detect.Rule{bad(func(r *detect.Rule) { r.Techniques = []string{"MS-TA9032"} })}, "retired"},
		"not kebab-case":          {[]detect.Rule{bad(func(r *detect.Rule) { r.ID = "Test_Exec" })}, "not kebab-case"},
		"no needs":                {[]detect.Rule{bad(func(r *detect.Rule) { r.Needs = nil })}, "no audit needs"},
		"bad level":               {[]detect.Rule{bad(func(r *detect.Rule) { r.Needs = []detect.Need{{Level: "Everything"}} })}, "invalid level"},
		"response not a sentence": {[]detect.Rule{bad(func(r *detect.Rule) { r.Response = "look" })}, "ending in a period"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := detect.NewRegistry(tc.rules...)
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
}
