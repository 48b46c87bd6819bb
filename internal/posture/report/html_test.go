package report

import (
	"regexp"
	"strings"
	"testing"
)

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	t.Parallel()
	out := string(render(t, FormatHTML, sampleReport()))
	for _, bad := range []string{"http://", "https://", "<link", " src=", "<script>alert", "TOKEN<script>"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML report contains %q", bad)
		}
	}
	for _, want := range []string{
		"TOKEN&lt;script&gt;",                   // messages are escaped
		`data-technique="MS-TA9013"`,            // matrix cells
		`class="cell hot sev-critical"`,         // heat by highest severity
		`<option value="privilege-escalation">`, // tactic filter
		"Fix privileged-container.",             // remediation
		"Threat Matrix for Kubernetes, Microsoft, CC BY 4.0",
		"landfall.yaml: exceptions[0]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`<tr class="finding"`).FindAllString(out, -1)); n != 5 {
		t.Errorf("HTML report has %d finding rows, want 5", n)
	}
}
