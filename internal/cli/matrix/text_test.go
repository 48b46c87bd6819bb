package matrix

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// ansiRE matches the ANSI styles the renderers use.
var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestWrap(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		text  string
		width int
		want  []string
	}{
		"short text stays on one line":            {text: "Static pods", width: 20, want: []string{"Static pods"}},
		"text breaks at spaces":                   {text: "Exec into container", width: 10, want: []string{"Exec into", "container"}},
		"a long word is cut after a slash":        {text: "needs runtime/node/cloud sensor", width: 12, want: []string{"needs", "runtime/", "node/cloud", "sensor"}},
		"a long word without a break is cut":      {text: "vulnerability", width: 5, want: []string{"vulne", "rabil", "ity"}},
		"empty text gives one empty line":         {text: "", width: 5, want: []string{""}},
		"runs of spaces collapse":                 {text: "a   b", width: 5, want: []string{"a b"}},
		"a word exactly as wide as the line fits": {text: "MS-TA9013 x", width: 9, want: []string{"MS-TA9013", "x"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := wrap(tc.text, tc.width); !slices.Equal(got, tc.want) {
				t.Errorf("wrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
			}
		})
	}
}

func TestBandSize(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ n, width, want int }{
		"ten columns fit in 160":               {n: 10, width: 160, want: 10},
		"at 100 the matrix splits into halves": {n: 10, width: 100, want: 5},
		"at 60 it takes bands of three":        {n: 10, width: 60, want: 3},
		"at 20 each band is one column":        {n: 10, width: 20, want: 1},
		"one tactic always fits":               {n: 1, width: 20, want: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := bandSize(tc.n, tc.width); got != tc.want {
				t.Errorf("bandSize(%d, %d) = %d, want %d", tc.n, tc.width, got, tc.want)
			}
		})
	}
}

func TestDetectTerminal(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		columns string
		want    int
	}{
		"no COLUMNS off a terminal gives 160": {columns: "", want: defaultWidth},
		"COLUMNS is honoured":                 {columns: "90", want: 90},
		"a malformed COLUMNS is ignored":      {columns: "wide", want: defaultWidth},
		"a tiny COLUMNS is raised to 20":      {columns: "5", want: minWidth},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := detectTerminal(&bytes.Buffer{}, env(map[string]string{"COLUMNS": tc.columns}))
			if got.width != tc.want || got.color {
				t.Errorf("detectTerminal = %+v, want width %d without colour", got, tc.want)
			}
		})
	}
}

func TestRenderGrid_ColourDoesNotWidenLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	opt := gridOptions{width: 120, color: true, coverage: testCoverage()}
	if err := renderGrid(&out, threatmatrix.Tactics(), opt); err != nil {
		t.Fatalf("renderGrid: %v", err)
	}
	if !strings.Contains(out.String(), styleGreen+"* Privileged") {
		t.Errorf("covered technique is not coloured")
	}
	plain := ansiRE.ReplaceAllString(out.String(), "")
	if w := maxLineWidth(plain); w > opt.width {
		t.Errorf("widest visible line is %d, want at most %d", w, opt.width)
	}
}
