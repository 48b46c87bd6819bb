package matrix

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

func TestCoverage_TableFitsTheWidthAndListsEveryActiveTechnique(t *testing.T) {
	t.Parallel()
	for name, width := range map[string]string{
		"a wide terminal gets the full table":   "160",
		"eighty columns still fit a table":      "80",
		"a narrow terminal gets a list instead": "40",
		"the narrowest width still fits":        "20",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, testCoverage, nil, "--coverage", "--width", width)
			if err != nil {
				t.Fatalf("matrix --coverage: %v", err)
			}
			limit, _ := strconv.Atoi(width)
			if w := maxLineWidth(out); w > limit {
				t.Errorf("widest line is %d runes, want at most %d:\n%s", w, limit, out)
			}
			for _, tech := range threatmatrix.ActiveTechniques() {
				if !strings.Contains(out, tech.ID) {
					t.Errorf("%s is missing", tech.ID)
				}
			}
			if strings.Contains(out, "MS-TA9032") {
				t.Errorf("retired MS-TA9032 is listed")
			}
			if !strings.Contains(strings.Join(strings.Fields(out), " "), "3 of 40 techniques assessed") {
				t.Errorf("summary does not say 3 of 40 techniques are assessed:\n%s", out)
			}
		})
	}
}

func TestCoverage_RowsCompareNowWithPossible(t *testing.T) {
	t.Parallel()
	out, err := run(t, testCoverage, nil, "--coverage", "--width", "250")
	if err != nil {
		t.Fatalf("matrix --coverage: %v", err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if id := techniqueIDRE.FindString(line); id != "" && strings.HasPrefix(line, id) {
			rows[id] = strings.Join(strings.Fields(line), " ")
		}
	}
	tests := map[string]struct {
		id   string
		want string
	}{
		"a manifest check on a directly visible technique is yes":    {id: "MS-TA9018", want: "Privilege Escalation yes could could"}, //nolint:dupword // three columns
		"manifest coverage of a precondition is marked as such":      {id: "MS-TA9006", want: "Execution yes (pre) could (pre) yes"},
		"an unassessed technique shows what each source could do":    {id: "MS-TA9019", want: "Privilege Escalation could could could"}, //nolint:dupword // three columns
		"a technique no source sees needs a sensor":                  {id: "MS-TA9021", want: "- - - needs runtime/node/cloud sensor"},
		"a technique with only preconditions says so":                {id: "MS-TA9007", want: "precondition only; needs runtime/node/cloud sensor"},
		"a technique under three tactics lists them in matrix order": {id: "MS-TA9013", want: "Persistence, Privilege Escalation, Lateral Movement yes"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(rows[tc.id], tc.want) {
				t.Errorf("row %s = %q, want it to contain %q", tc.id, rows[tc.id], tc.want)
			}
		})
	}
}

func TestCoverage_JSONReportsEachSource(t *testing.T) {
	t.Parallel()
	out, err := run(t, testCoverage, nil, "--coverage", "-o", "json")
	if err != nil {
		t.Fatalf("matrix --coverage -o json: %v", err)
	}
	var got coverageReport
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("parsing output: %v\n%s", err, out)
	}
	if len(got.Techniques) != 40 {
		t.Fatalf("got %d techniques, want 40", len(got.Techniques))
	}
	s := got.Summary
	if s.Techniques != 40 || s.Assessed != 3 || s.AssessedDirect != 3 || s.Assessable+s.NeedsSensor != 40 {
		t.Errorf("summary = %+v, want 40 techniques, 3 assessed, 3 directly, assessable+sensor = 40", s)
	}
	for _, row := range got.Techniques {
		if row.ID == "MS-TA9006" {
			if !row.Manifest.Assessed || row.Manifest.Evidence != threatmatrix.EvidencePrecondition || !row.AuditLog.Assessed || row.LiveCluster.Assessed {
				t.Errorf("MS-TA9006 = %+v, want manifest (precondition) and audit log assessed", row)
			}
		}
		if row.Rationale == "" {
			t.Errorf("%s has no rationale", row.ID)
		}
	}
}

func TestCoverage_CountsTechniquesCoveredOnlyByPreconditions(t *testing.T) {
	t.Parallel()
	cov := threatmatrix.CoverageFrom(threatmatrix.SourceManifest, []string{"MS-TA9006", "MS-TA9039"})
	r := buildCoverage(threatmatrix.ActiveTechniques(), cov)
	if r.Summary.Assessed != 2 || r.Summary.AssessedDirect != 0 {
		t.Errorf("summary = %+v, want 2 assessed, 0 directly", r.Summary)
	}
}
