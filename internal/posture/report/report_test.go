package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteGolden(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		format Format
		report *Report
		golden string
	}{
		"table groups findings by tactic":         {FormatTable, sampleReport(), "table.golden"},
		"table of a clean scan":                   {FormatTable, &Report{Root: ".", Objects: 3, Files: []string{"a.yaml"}}, "table-empty.golden"},
		"matrix counts findings per technique":    {FormatMatrix, sampleReport(), "matrix.golden"},
		"json has the documented schema":          {FormatJSON, sampleReport(), "report.json"},
		"json of a clean scan has empty arrays":   {FormatJSON, &Report{Root: "."}, "report-empty.json"},
		"sarif locates findings relative to root": {FormatSARIF, sampleReport(), "report.sarif"},
		"junit has a suite per check":             {FormatJUnit, sampleReport(), "report.xml"},
		"html is one self-contained page":         {FormatHTML, sampleReport(), "report.html"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			golden(t, tc.golden, render(t, tc.format, tc.report))
		})
	}
}

func TestWriteColor(t *testing.T) {
	t.Parallel()
	for _, f := range []Format{FormatTable, FormatMatrix} {
		var plain, color bytes.Buffer
		if err := Write(&plain, f, sampleReport(), Options{}); err != nil {
			t.Fatal(err)
		}
		if err := Write(&color, f, sampleReport(), Options{Color: true}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plain.String(), "\x1b[") {
			t.Errorf("%s without colour has escape codes", f)
		}
		if !strings.Contains(color.String(), severityColor[4]) {
			t.Errorf("%s with colour has no critical colour", f)
		}
		if stripANSI(color.String()) != plain.String() && f == FormatTable {
			t.Errorf("%s with colour differs from plain beyond escape codes:\n%s", f, stripANSI(color.String()))
		}
	}
}

// stripANSI removes ANSI escape sequences.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestWriteUnknownFormat(t *testing.T) {
	t.Parallel()
	err := Write(&bytes.Buffer{}, "pdf", &Report{}, Options{})
	want := `unknown report format "pdf" (one of table, matrix, json, sarif, junit, html)`
	if err == nil || err.Error() != want {
		t.Errorf("Write(pdf) = %v, want %q", err, want)
	}
}

func TestReportCounts(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	counts := r.CountBySeverity()
	if counts[4] != 1 || counts[3] != 2 || counts[2] != 1 || counts[1] != 1 {
		t.Errorf("CountBySeverity() = %v", counts)
	}
	if got := r.AtOrAbove(3); got != 3 {
		t.Errorf("AtOrAbove(high) = %d, want 3", got)
	}
}
