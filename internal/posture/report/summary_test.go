package report

import (
	"reflect"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	f := func(sev posture.Severity, techniques ...string) posture.Finding {
		return posture.Finding{Severity: sev, Techniques: techniques}
	}
	s := Summarize([]posture.Finding{
		f(posture.SeverityCritical, "MS-TA9018"),          // privileged container: Privilege Escalation
		f(posture.SeverityHigh, "MS-TA9013", "MS-TA9018"), // host path: Persistence first in matrix order
		f(posture.SeverityCritical, "MS-TA9005"),          // exposed interface: Initial Access, then Discovery
		f(posture.SeverityLow, "MS-TA9018"),               // Privilege Escalation
		f(posture.SeverityMedium, "MS-TA9999"),            // unknown technique: Unmapped
		f(posture.SeverityMedium),                         // no technique: Unmapped
	})
	if s.Findings != 6 {
		t.Errorf("Findings = %d, want 6", s.Findings)
	}
	wantSev := map[posture.Severity]int{posture.SeverityCritical: 2, posture.SeverityHigh: 1, posture.SeverityMedium: 2, posture.SeverityLow: 1}
	if !reflect.DeepEqual(s.BySeverity, wantSev) {
		t.Errorf("BySeverity = %v, want %v", s.BySeverity, wantSev)
	}
	type row struct {
		ID, Name string
		Findings int
		Sev      map[posture.Severity]int
	}
	var got []row
	total := 0
	for _, tc := range s.Tactics {
		got = append(got, row{tc.ID, tc.Name, tc.Findings, tc.BySeverity})
		total += tc.Findings
	}
	want := []row{
		{"initial-access", "Initial Access", 1, map[posture.Severity]int{posture.SeverityCritical: 1}},
		{"persistence", "Persistence", 1, map[posture.Severity]int{posture.SeverityHigh: 1}},
		{"privilege-escalation", "Privilege Escalation", 2, map[posture.Severity]int{posture.SeverityCritical: 1, posture.SeverityLow: 1}},
		{UnmappedTactic, UnmappedTactic, 2, map[posture.Severity]int{posture.SeverityMedium: 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Tactics =\n%+v\nwant\n%+v", got, want)
	}
	if total != s.Findings {
		t.Errorf("tactic counts add up to %d, want %d", total, s.Findings)
	}
}

func TestScore(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		counts  map[posture.Severity]int
		objects int
		want    int
	}{
		"no findings score 100":                    {nil, 10, 100},
		"no objects and no findings score 100":     {nil, 0, 100},
		"findings without objects score 0":         {map[posture.Severity]int{posture.SeverityLow: 1}, 0, 0},
		"weighted findings equal to objects is 50": {map[posture.Severity]int{posture.SeverityCritical: 1}, 10, 50},
		"weights add up per severity":              {map[posture.Severity]int{posture.SeverityHigh: 1, posture.SeverityMedium: 1, posture.SeverityLow: 3}, 10, 50},
		"rounded down":                             {map[posture.Severity]int{posture.SeverityLow: 1}, 2, 66},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := Score(tc.counts, tc.objects); got != tc.want {
				t.Errorf("Score(%v, %d) = %d, want %d", tc.counts, tc.objects, got, tc.want)
			}
		})
	}
}
