package scan

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// golden compares got with testdata/golden/name, rewriting it under
// -update. The absolute scan root is replaced by $ROOT.
func golden(t *testing.T, name, got string) {
	t.Helper()
	root, err := filepath.Abs("testdata/findings")
	if err != nil {
		t.Fatal(err)
	}
	got = strings.ReplaceAll(got, root, "$ROOT")
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading golden file (go test -update writes it): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", file, got, want)
	}
}

func TestScanFormats(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"table", "matrix", "json", "sarif", "junit", "html"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			res := runScan(t, "", "-o", format, "--config", "testdata/config/landfall.yaml", "testdata/findings")
			if res.code != 0 {
				t.Fatalf("exit code %d: %v", res.code, res.err)
			}
			golden(t, "findings."+format, res.out)
		})
	}
}

func TestScanJSONLinesAndExceptions(t *testing.T) {
	t.Parallel()
	res := runScan(t, "", "-o", "json", "--config", "testdata/config/landfall.yaml", "testdata/findings")
	var doc struct {
		Findings []struct {
			Check  string `json:"check"`
			Source struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"source"`
			Severity string `json:"severity"`
		} `json:"findings"`
		Suppressed []struct {
			Check        string              `json:"check"`
			SuppressedBy struct{ By string } `json:"suppressedBy"`
		} `json:"suppressed"`
		Exceptions []struct {
			Source string `json:"source"`
			Status string `json:"status"`
		} `json:"exceptions"`
	}
	if err := json.Unmarshal([]byte(res.out), &doc); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, res.out)
	}
	got := map[string]string{}
	for _, f := range doc.Findings {
		got[f.Check] = f.Source.File + ":" + strconv.Itoa(f.Source.Line) + " " + f.Severity
	}
	want := map[string]string{
		"privileged-container":  "workloads.yaml:2 critical",
		"cluster-admin-binding": "rbac.yaml:1 high",
	}
	if len(got) != len(want) {
		t.Errorf("findings = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("finding %s at %q, want %q", k, got[k], v)
		}
	}
	sup := map[string]string{}
	for _, s := range doc.Suppressed {
		sup[s.Check] = s.SuppressedBy.By
	}
	if sup["latest-tag"] != "testdata/config/landfall.yaml: exceptions[0]" ||
		sup["privileged-container"] != "DaemonSet/kube-system/cni-agent spec.template.metadata.annotations" {
		t.Errorf("suppressed = %v", sup)
	}
	status := map[string]string{}
	for _, e := range doc.Exceptions {
		status[e.Source] = e.Status
	}
	for src, st := range map[string]string{
		"testdata/config/landfall.yaml: exceptions[0]":                       "applied",
		"testdata/config/landfall.yaml: exceptions[1]":                       "expired",
		"testdata/config/landfall.yaml: exceptions[2]":                       "unmatched",
		"DaemonSet/kube-system/cni-agent spec.template.metadata.annotations": "applied",
	} {
		if status[src] != st {
			t.Errorf("exception %s status %q, want %q", src, status[src], st)
		}
	}
}

func TestScanJUnitIsValidXML(t *testing.T) {
	t.Parallel()
	res := runScan(t, "", "-o", "junit", "testdata/findings")
	dec := xml.NewDecoder(bytes.NewReader([]byte(res.out)))
	for {
		_, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("JUnit output is not valid XML: %v", err)
		}
	}
}

func TestScanWithBuiltinChecks(t *testing.T) {
	t.Parallel()
	cmd := Command()
	var out bytes.Buffer
	cmd.SetArgs([]string{"-o", "json", "testdata/findings/workloads.yaml"})
	cmd.SetOut(&out)
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("scan: %v", err)
	}
	var doc struct {
		Findings []struct {
			Check  string `json:"check"`
			Source struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"source"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Findings {
		if f.Check == "privileged-container" {
			if f.Source.Line != 2 {
				t.Errorf("privileged-container at line %d, want 2", f.Source.Line)
			}
			return
		}
	}
	t.Errorf("no privileged-container finding in %s", out.String())
}
