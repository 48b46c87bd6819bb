package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sarifLog is the part of a SARIF log the test reads.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Results []struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				Physical struct {
					Artifact struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
				Logical []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// The shipped weak examples: every SARIF result points at a file relative
// to the scan root and, for plain manifests, at the line where its object
// starts, so code-scanning annotations land on the right object.
func TestScanExamplesSARIFPointsAtTheObjectLines(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "examples", "weak")
	r := landfall(t, nil, "scan", root, "-o", "sarif")
	if r.code != 0 {
		t.Fatalf("scan exited %d: %s", r.code, r.stderr)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatalf("decoding SARIF: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) < 50 {
		t.Fatalf("unexpected SARIF: version %q, %d runs", log.Version, len(log.Runs))
	}
	checked := 0
	for _, res := range log.Runs[0].Results {
		loc := res.Locations[0]
		uri := loc.Physical.Artifact.URI
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(uri)))
		if err != nil {
			t.Errorf("%s: artifact %q is not a file under the scan root: %v", res.RuleID, uri, err)
			continue
		}
		if loc.Physical.Region == nil {
			continue // rendered (kustomize) objects have no line
		}
		// The object starts at the line; its kind and name follow before
		// the next document.
		lines := strings.Split(string(data), "\n")
		start := loc.Physical.Region.StartLine
		if start < 1 || start > len(lines) {
			t.Errorf("%s: line %d outside %s", res.RuleID, start, uri)
			continue
		}
		var doc []string
		for _, l := range lines[start-1:] {
			if l == "---" {
				break
			}
			doc = append(doc, l)
		}
		fqn := strings.Split(loc.Logical[0].FullyQualifiedName, "/")
		kind, name := fqn[0], fqn[len(fqn)-1]
		text := strings.Join(doc, "\n")
		if kind == "Namespace" && strings.Contains(text, "namespace: "+name) {
			// A namespace no manifest declares is reported at the first
			// object that lives in it.
			kind, name = "", ""
		}
		if !strings.HasPrefix(lines[start-1], "apiVersion:") || !strings.Contains(text, "kind: "+kind) || !strings.Contains(text, "name: "+name) {
			t.Errorf("%s: %s:%d is not the start of %s/%s:\n%s", res.RuleID, uri, start, kind, name, lines[start-1])
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("only %d results had a line to check", checked)
	}
}

// The demo's CI gate: critical findings fail --fail-on critical with exit
// 1, the exception file suppresses what it names, and no credential value
// from the examples reaches any report format.
func TestScanExamplesGateAndRedaction(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "examples", "weak")
	cfg := filepath.Join("..", "..", "examples", "scan-exceptions.yaml")
	r := landfall(t, nil, "scan", root, "--config", cfg, "--fail-on", "critical", "-o", "json")
	if r.code != 1 {
		t.Fatalf("--fail-on critical exited %d, want 1: %s", r.code, r.stderr)
	}
	var rep struct {
		Summary struct {
			Suppressed int `json:"suppressed"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Suppressed != 1 {
		t.Errorf("suppressed %d findings, want 1 (the host-network exception)", rep.Summary.Suppressed)
	}
	for _, format := range []string{"table", "json", "sarif", "junit", "html", "matrix"} {
		out := landfall(t, nil, "scan", root, "-o", format)
		for _, secret := range []string{"hunter2-demo", "s3cr3t-demo-only", "wJalrXUtnFEMI", "ZGVtbzpkZW1v"} {
			if strings.Contains(out.stdout+out.stderr, secret) {
				t.Errorf("-o %s printed the credential value %q", format, secret)
			}
		}
	}
}
