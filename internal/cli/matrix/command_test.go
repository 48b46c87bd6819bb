package matrix

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"sigs.k8s.io/yaml"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// testCoverage is what the root command would pass: a few manifest checks
// and one audit rule.
func testCoverage() threatmatrix.Coverage {
	return threatmatrix.Merge(
		threatmatrix.CoverageFrom(threatmatrix.SourceManifest, []string{"MS-TA9018", "MS-TA9013", "MS-TA9006"}),
		threatmatrix.CoverageFrom(threatmatrix.SourceAuditLog, []string{"MS-TA9006"}),
	)
}

// env returns a getenv stub over vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// run executes `landfall matrix args...` and returns its output.
func run(t *testing.T, cov func() threatmatrix.Coverage, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	cmd := newCommand(cov, env(vars))
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

// maxLineWidth returns the widest line of s in runes.
func maxLineWidth(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, utf8.RuneCountInString(l))
	}
	return n
}

var techniqueIDRE = regexp.MustCompile(`MS-TA9\d{3}`)

func TestGrid_FitsTheWidthAndShowsEveryActiveTechnique(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args      []string
		vars      map[string]string
		wantWidth int
		wantBands int
	}{
		"the default is 160 columns in one band when not a terminal": {wantWidth: 160, wantBands: 1},
		"COLUMNS sets the width":                                     {vars: map[string]string{"COLUMNS": "100"}, wantWidth: 100, wantBands: 2},
		"--width overrides COLUMNS":                                  {args: []string{"--width", "60"}, vars: map[string]string{"COLUMNS": "300"}, wantWidth: 60, wantBands: 4},
		"the narrowest width prints one column per band":             {args: []string{"--width", "20"}, wantWidth: 20, wantBands: 10},
		"an odd width between layouts still fits":                    {args: []string{"--width", "147"}, wantWidth: 147, wantBands: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, testCoverage, tc.vars, tc.args...)
			if err != nil {
				t.Fatalf("matrix: %v", err)
			}
			if w := maxLineWidth(out); w > tc.wantWidth {
				t.Errorf("widest line is %d runes, want at most %d:\n%s", w, tc.wantWidth, out)
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("output has ANSI escapes although it is not a terminal")
			}
			// Join wrapped IDs back (at width 20 none are split, but be safe).
			seen := map[string]int{}
			for _, id := range techniqueIDRE.FindAllString(out, -1) {
				seen[id]++
			}
			for _, tech := range threatmatrix.ActiveTechniques() {
				if seen[tech.ID] == 0 {
					t.Errorf("%s %q is missing", tech.ID, tech.Name)
				}
			}
			if seen["MS-TA9032"] > 0 || strings.Contains(out, "Access Kubernetes dashboard") {
				t.Errorf("retired MS-TA9032 is shown")
			}
			if seen["MS-TA9013"] != 3 || seen["MS-TA9016"] != 3 || seen["MS-TA9005"] != 2 {
				t.Errorf("multi-tactic techniques appear %d, %d, %d times, want 3, 3, 2",
					seen["MS-TA9013"], seen["MS-TA9016"], seen["MS-TA9005"])
			}
			for _, header := range []string{"Execution", "Persistence", "Discovery", "Collection", "Impact"} {
				if n := strings.Count(out, header); n != 1 {
					t.Errorf("column header %q appears %d times, want once", header, n)
				}
			}
			// A blank line follows every band: between bands and before the footer.
			if got := strings.Count(out, "\n\n"); got != tc.wantBands {
				t.Errorf("printed %d bands, want %d:\n%s", got, tc.wantBands, out)
			}
			if !strings.Contains(out, "CC BY 4.0") || !strings.Contains(strings.ReplaceAll(out, "\n", ""), threatmatrix.ProjectURL) {
				t.Errorf("attribution missing:\n%s", out)
			}
		})
	}
}

func TestGrid_MarksCoveredTechniquesOnly(t *testing.T) {
	t.Parallel()
	out, err := run(t, testCoverage, nil)
	if err != nil {
		t.Fatalf("matrix: %v", err)
	}
	for _, want := range []string{"* Privileged", "* Writable", "* Exec into", "* = assessed by Landfall today"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "* Cluster-admin") {
		t.Errorf("uncovered technique is marked")
	}

	out, err = run(t, nil, nil)
	if err != nil {
		t.Fatalf("matrix without coverage: %v", err)
	}
	if strings.Contains(out, "* ") {
		t.Errorf("output marks techniques although nothing is covered:\n%s", out)
	}
}

func TestGrid_RendersOneTacticExactly(t *testing.T) {
	t.Parallel()
	out, err := run(t, testCoverage, nil, "--tactic", "collection", "--width", "40")
	if err != nil {
		t.Fatalf("matrix: %v", err)
	}
	want := `Collection
----------------------------------------
Images from a private registry
MS-TA9037
----------------------------------------
Collecting data from pod
MS-TA9041

* = assessed by Landfall today; see
landfall matrix --coverage.
Threat Matrix for Kubernetes, Microsoft,
CC BY 4.0
https://microsoft.github.io/Threat-
Matrix-for-Kubernetes/
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestCommand_RejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"a width below the minimum":  {"--width", "19"},
		"an unknown tactic":          {"--tactic", "reconnaissance"},
		"an unknown output format":   {"-o", "xml"},
		"a positional argument":      {"grid"},
		"an unknown tactic with one": {"--tactic", "impact,nope"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := run(t, testCoverage, nil, args...)
			if err == nil {
				t.Fatalf("matrix %v succeeded, want an error", args)
			}
			if name == "a width below the minimum" || strings.HasPrefix(name, "an unknown tactic") {
				if code := cliutil.ExitCode(err); code != cliutil.ExitUsage {
					t.Errorf("exit code %d, want %d (%v)", code, cliutil.ExitUsage, err)
				}
			}
		})
	}
}

func TestCommand_TacticFilterAcceptsIDsAndNames(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args []string
		want []string
		not  []string
	}{
		"a slug":                   {args: []string{"--tactic", "privilege-escalation"}, want: []string{"MS-TA9018", "MS-TA9013"}, not: []string{"MS-TA9001"}},
		"a name in any case":       {args: []string{"--tactic", "privilege ESCALATION"}, want: []string{"MS-TA9019", "MS-TA9020"}, not: []string{"MS-TA9006"}},
		"a comma-separated list":   {args: []string{"--tactic", "impact,collection"}, want: []string{"MS-TA9040", "MS-TA9041"}, not: []string{"MS-TA9013"}},
		"coverage for one tactic":  {args: []string{"--coverage", "--tactic", "impact"}, want: []string{"MS-TA9038", "0 of 3 techniques"}, not: []string{"MS-TA9018"}},
		"json for a single tactic": {args: []string{"-o", "json", "--tactic", "discovery"}, want: []string{`"MS-TA9033"`}, not: []string{`"MS-TA9032"`, `"MS-TA9001"`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, testCoverage, nil, tc.args...)
			if err != nil {
				t.Fatalf("matrix %v: %v", tc.args, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out, n) {
					t.Errorf("output has %q", n)
				}
			}
		})
	}
}

func TestCommand_StructuredCatalogHasTenTactics(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, testCoverage, nil, "-o", format)
			if err != nil {
				t.Fatalf("matrix -o %s: %v", format, err)
			}
			var got struct {
				Attribution string `json:"attribution"`
				Tactics     []struct {
					ID         string `json:"id"`
					Name       string `json:"name"`
					Techniques []struct {
						ID string `json:"id"`
					} `json:"techniques"`
				} `json:"tactics"`
				Retired     []struct{ ID string } `json:"retiredTechniques"`
				Mitigations []struct{ ID string } `json:"mitigations"`
			}
			if format == "json" {
				err = json.Unmarshal([]byte(out), &got)
			} else {
				err = yaml.Unmarshal([]byte(out), &got)
			}
			if err != nil {
				t.Fatalf("parsing output: %v\n%s", err, out)
			}
			if len(got.Tactics) != 10 || got.Tactics[0].ID != "initial-access" || got.Tactics[9].Name != "Impact" {
				t.Fatalf("got %d tactics, want 10 from initial-access to Impact", len(got.Tactics))
			}
			cells, hostPath := 0, 0
			for _, tac := range got.Tactics {
				for _, tech := range tac.Techniques {
					cells++
					if tech.ID == "MS-TA9032" {
						t.Errorf("retired MS-TA9032 listed under %s", tac.Name)
					}
					if tech.ID == "MS-TA9013" {
						hostPath++
					}
				}
			}
			if cells != 48 || hostPath != 3 {
				t.Errorf("got %d cells and MS-TA9013 %d times, want 48 and 3", cells, hostPath)
			}
			if len(got.Retired) != 1 || got.Retired[0].ID != "MS-TA9032" {
				t.Errorf("retiredTechniques = %v, want [MS-TA9032]", got.Retired)
			}
			if len(got.Mitigations) != 35 || got.Attribution == "" {
				t.Errorf("got %d mitigations and attribution %q", len(got.Mitigations), got.Attribution)
			}
		})
	}
}

func TestCommand_HasExamples(t *testing.T) {
	t.Parallel()
	cmd := Command(nil)
	if cmd.Example == "" || !strings.Contains(cmd.Example, "landfall matrix --coverage") {
		t.Errorf("Example = %q, want usage examples including --coverage", cmd.Example)
	}
	for _, flag := range []string{"width", "tactic", "coverage", "output"} {
		if cmd.Flags().Lookup(flag) == nil {
			t.Errorf("flag --%s is missing", flag)
		}
	}
}
