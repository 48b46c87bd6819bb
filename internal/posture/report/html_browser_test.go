package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromium returns a headless-capable Chromium, skipping the test when
// there is none and CI is unset (under CI a missing browser fails).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH (CI installs it in .ci/run)")
	}
	t.Skip("no chromium on PATH; the HTML filters are tested in a real browser under CI")
	return ""
}

// The HTML report's filters run in a real browser: a link preset by the
// URL fragment shows exactly the matching findings.
func TestHTMLFiltersInChromium(t *testing.T) {
	t.Parallel()
	browser := chromium(t)
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, render(t, FormatHTML, sampleReport()), 0o600); err != nil {
		t.Fatal(err)
	}
	rowRE := regexp.MustCompile(`<tr class="finding"[^>]*>`)
	countRE := regexp.MustCompile(`Showing (\d+) of (\d+) findings`)
	for fragment, want := range map[string]string{
		"":                              "5",
		"#severity=3":                   "3", // high and above
		"#tactic=privilege-escalation":  "2", // privileged container, writable hostPath
		"#q=ms-ta9027":                  "1", // by technique
		"#severity=4&q=dashboard":       "1",
		"#severity=1&tactic=impact&q=x": "0",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		out, err := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
			"--user-data-dir="+t.TempDir(), "--virtual-time-budget=2000", "--dump-dom", "file://"+file+fragment).Output()
		cancel()
		if err != nil {
			t.Fatalf("chromium %q: %v", fragment, err)
		}
		dom := string(out)
		m := countRE.FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("%q: no count line in the rendered DOM", fragment)
		}
		visible := 0
		for _, row := range rowRE.FindAllString(dom, -1) {
			if !strings.Contains(row, "hidden") {
				visible++
			}
		}
		if m[1] != want || m[2] != "5" || want != strconv.Itoa(visible) {
			t.Errorf("%q: count line %q and %d visible rows, want %s of 5", fragment, m[0], visible, want)
		}
	}
}
