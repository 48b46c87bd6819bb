package rules_test

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/rules"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// fixtureSettings are the settings every fixture runs with: the pod
// network 10.244.0.0/16, a Tor exit range, and bursts of 5 within a minute.
var fixtureSettings = detect.Settings{
	ServiceAccountCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")},
	ProxyCIDRs:          []netip.Prefix{netip.MustParsePrefix("185.220.100.0/22")},
	BurstThreshold:      5,
	BurstWindow:         time.Minute,
	TrustedRegistries:   []string{"registry.example", "docker.io/library", "*.gcr.io"},
}

func TestAll_HasAtLeastThirtySortedRulesThatFormARegistry(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	all := rules.All()
	g.Expect(len(all)).To(BeNumerically(">=", 30))
	g.Expect(slices.IsSortedFunc(all, func(a, b detect.Rule) int { return strings.Compare(a.ID, b.ID) })).To(BeTrue())
	reg, err := rules.Registry()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(reg.Len()).To(Equal(len(all)))
}

func TestEveryRuleKeysOnCatalogTechniques(t *testing.T) {
	t.Parallel()
	for _, r := range rules.All() {
		g := NewWithT(t)
		g.Expect(r.Techniques).NotTo(BeEmpty(), r.ID)
		for _, id := range r.Techniques {
			tech, ok := threatmatrix.TechniqueByID(id)
			g.Expect(ok).To(BeTrue(), "%s: technique %s is not in the catalog", r.ID, id)
			g.Expect(tech.Active()).To(BeTrue(), "%s: technique %s is retired", r.ID, id)
		}
		g.Expect(r.Tactics()).NotTo(BeEmpty(), r.ID)
	}
}

// TestRulesCoverTheIssueTechniques pins the techniques the detection
// issue names: each must have at least one rule.
func TestRulesCoverTheIssueTechniques(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, r := range rules.All() {
		for _, id := range r.Techniques {
			covered[id] = true
		}
	}
	for _, id := range []string{"MS-TA9006", "MS-TA9022", "MS-TA9019", "MS-TA9025", "MS-TA9015", "MS-TA9014",
		"MS-TA9035", "MS-TA9029", "MS-TA9023", "MS-TA9011", "MS-TA9038", "MS-TA9024", "MS-TA9041",
		"MS-TA9018", "MS-TA9013", "MS-TA9030", "MS-TA9016",
		"MS-TA9001", "MS-TA9002", "MS-TA9007", "MS-TA9008", "MS-TA9012", "MS-TA9017", "MS-TA9037"} {
		if !covered[id] {
			t.Errorf("no rule for %s", id)
		}
	}
}

func TestEveryRuleHasPassAndFailFixtures(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range rules.All() {
		ids[r.ID] = true
		for _, pattern := range []string{"pass*.jsonl", "fail*.jsonl"} {
			if m, _ := filepath.Glob(filepath.Join("testdata", r.ID, pattern)); len(m) == 0 {
				t.Errorf("%s: no testdata/%s/%s", r.ID, r.ID, pattern)
			}
		}
	}
	for _, d := range dirs {
		if !ids[filepath.Base(d)] {
			t.Errorf("fixture directory %s belongs to no rule", d)
		}
	}
}

// collector is a detect.Handler that keeps alerts and malformed lines.
type collector struct {
	engine    *detect.Engine
	alerts    []detect.Alert
	malformed []detect.Malformed
}

func (c *collector) Event(ev *detect.Event, pos detect.Position) {
	c.alerts = c.engine.Process(c.alerts, ev, pos)
}

func (c *collector) Malformed(m detect.Malformed) { c.malformed = append(c.malformed, m) }

// TestEveryFixtureYieldsTheExpectedAlerts runs each rule alone over its
// fixtures: in fail fixtures each audit ID starting with "fire-" must
// raise exactly one alert and no other event any; pass fixtures raise
// none. Messages must not quote request-body values.
func TestEveryFixtureYieldsTheExpectedAlerts(t *testing.T) {
	t.Parallel()
	for _, r := range rules.All() {
		files, _ := filepath.Glob(filepath.Join("testdata", r.ID, "*.jsonl"))
		for _, file := range files {
			t.Run(r.ID+"/"+filepath.Base(file), func(t *testing.T) {
				t.Parallel()
				g := NewWithT(t)
				reg, err := detect.NewRegistry(r)
				g.Expect(err).NotTo(HaveOccurred())
				settings := fixtureSettings
				engine, err := detect.NewEngine(reg, detect.Options{Settings: &settings})
				g.Expect(err).NotTo(HaveOccurred())
				c := &collector{engine: engine}
				g.Expect(detect.ReadFile(t.Context(), file, c)).To(Succeed())
				g.Expect(c.malformed).To(BeEmpty())

				data, err := os.ReadFile(file)
				g.Expect(err).NotTo(HaveOccurred())
				want := fireIDs(string(data))
				got := map[string]int{}
				for _, a := range c.alerts {
					got[a.AuditID]++
					g.Expect(a.Rule).To(Equal(r.ID))
					g.Expect(a.Message).NotTo(BeEmpty())
					g.Expect(a.Source).To(HavePrefix(file + ":"))
					for _, v := range bodyValues(t, data) {
						g.Expect(a.Message).NotTo(ContainSubstring(v), "alert quotes a request-body value")
					}
				}
				if strings.HasPrefix(filepath.Base(file), "pass") {
					g.Expect(c.alerts).To(BeEmpty(), "pass fixture raised alerts")
					g.Expect(want).To(BeEmpty(), "pass fixture has fire- audit IDs")
					return
				}
				g.Expect(want).NotTo(BeEmpty(), "fail fixture has no fire- audit IDs")
				for id := range want {
					g.Expect(got[id]).To(Equal(1), "alerts for %s", id)
				}
				for id := range got {
					g.Expect(want).To(HaveKey(id), "unexpected alert for %s", id)
				}
			})
		}
	}
}

// fireIDs returns the audit IDs starting with "fire-" in a fixture.
func fireIDs(data string) map[string]bool {
	out := map[string]bool{}
	for line := range strings.SplitSeq(data, "\n") {
		var ev struct {
			AuditID string `json:"auditID"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && strings.HasPrefix(ev.AuditID, "fire-") {
			out[ev.AuditID] = true
		}
	}
	return out
}

// bodyValues returns the string values of at least 12 characters in the
// data of request and response bodies (ConfigMap data, env values).
func bodyValues(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	for line := range strings.SplitSeq(string(data), "\n") {
		var ev struct {
			RequestObject struct {
				Data map[string]string `json:"data"`
			} `json:"requestObject"`
		}
		if json.Unmarshal([]byte(line), &ev) != nil {
			continue
		}
		for _, v := range ev.RequestObject.Data {
			if len(v) >= 12 {
				out = append(out, v)
			}
		}
	}
	return out
}
