package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
)

// liveReport is a scan of a live cluster in which pods could be read but
// Secrets and ClusterRoleBindings could not.
func liveReport() *Report {
	privileged := checkInfo("privileged-container", posture.SeverityHigh, "MS-TA9018")
	f := finding(privileged, "Pod", "shop", "web", "container web is privileged")
	f.Source = posture.Source{Cluster: "prod"}
	return &Report{
		Objects:  3,
		Checks:   []CheckInfo{privileged},
		Findings: []posture.Finding{f},
		Completeness: &Completeness{
			Cluster: "prod", Namespace: "shop", Percent: 50, Needed: 2, Assessed: 1,
			Kinds: []KindStatus{
				{Kind: "Pod", Resource: "pods/v1", Listed: 3, Status: "assessed"},
				{Kind: "Secret", Resource: "secrets/v1", Status: "not assessed: forbidden"},
			},
			NotAssessed:       []KindStatus{{Kind: "Secret", Resource: "secrets/v1", Status: "not assessed: forbidden"}},
			Skipped:           []string{"ClusterRoleBinding"},
			ChecksNotAssessed: []CheckNotAssessed{{ID: "rbac-secrets-read", Reason: "looks up Role, not assessed"}},
		},
	}
}

func TestTableOfALiveScanSaysHowCompleteItIs(t *testing.T) {
	t.Parallel()
	out := string(render(t, FormatTable, liveReport()))
	for _, want := range []string{
		"  high      MS-TA9018  privileged-container  Pod/shop/web  cluster:prod  -     container web is privileged\n",
		"1 finding in 3 objects from cluster prod (namespace shop): 0 critical, 1 high, 0 medium, 0 low.\n" +
			"Completeness: 50% (1 of 2 object kinds assessed).\n",
		"\nNot assessed:\n  Secret: not assessed: forbidden\n",
		"\nSkipped (cluster-scoped, outside the namespace):\n  ClusterRoleBinding\n",
		"\nChecks not assessed (findings dropped):\n  rbac-secrets-read: looks up Role, not assessed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestJSONOfALiveScanHasACompletenessSection(t *testing.T) {
	t.Parallel()
	var doc struct {
		Completeness struct {
			Percent     int `json:"percent"`
			NotAssessed []struct {
				Kind   string `json:"kind"`
				Status string `json:"status"`
			} `json:"notAssessed"`
			Skipped []string `json:"skipped"`
		} `json:"completeness"`
		Findings []struct {
			Source posture.Source `json:"source"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(render(t, FormatJSON, liveReport()), &doc); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	c := doc.Completeness
	if c.Percent != 50 || len(c.NotAssessed) != 1 || c.NotAssessed[0].Status != "not assessed: forbidden" || len(c.Skipped) != 1 {
		t.Errorf("completeness = %+v", c)
	}
	if len(doc.Findings) != 1 || doc.Findings[0].Source != (posture.Source{Cluster: "prod"}) {
		t.Errorf("findings = %+v", doc.Findings)
	}
}

func TestJSONOfAManifestScanHasNoCompleteness(t *testing.T) {
	t.Parallel()
	if out := string(render(t, FormatJSON, sampleReport())); strings.Contains(out, `"completeness"`) {
		t.Error("manifest report has a completeness section")
	}
}

func TestEveryFormatRendersALiveScan(t *testing.T) {
	t.Parallel()
	for _, f := range []Format{FormatTable, FormatSARIF, FormatJUnit, FormatHTML} {
		out := string(render(t, f, liveReport()))
		if !strings.Contains(out, "Pod/shop/web") {
			t.Errorf("%s report does not name the object:\n%s", f, out)
		}
	}
	if out := string(render(t, FormatMatrix, liveReport())); !strings.Contains(out, "Completeness: 50% (1 of 2 object kinds assessed).") {
		t.Errorf("matrix report has no completeness line:\n%s", out)
	}
	if out := string(render(t, FormatHTML, liveReport())); !strings.Contains(out, "cluster:prod") {
		t.Error("HTML report does not say the finding came from cluster prod")
	}
}
