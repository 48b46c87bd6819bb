package report

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchemaFile is the OASIS SARIF 2.1.0 JSON schema (a copy of
// ../shared/schemas/sarif-schema-2.1.0.json, kept in testdata so that the
// test runs on any checkout).
const sarifSchemaFile = "testdata/sarif-schema-2.1.0.json"

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatalf("opening SARIF schema: %v", err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchemaFile, schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]*Report{
		"full report":                         sampleReport(),
		"clean scan":                          {Root: "/src"},
		"relative root and odd file names":    withFiles(sampleReport(), ".", "dir with space/a#b.yaml"),
		"objects from stdin have no location": withFiles(sampleReport(), "/src", "-"),
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(render(t, FormatSARIF, r)))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("SARIF output is not valid SARIF 2.1.0: %v", err)
			}
		})
	}
}

// withFiles sets the root and moves every finding to file.
func withFiles(r *Report, root, file string) *Report {
	r.Root = root
	for i := range r.Findings {
		r.Findings[i].Source.File = file
	}
	return r
}

func TestSARIFLocations(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		root, file string
		line       int
		wantURI    string
		wantBase   string
		wantLine   int
		noLocation bool
	}{
		"relative file":                     {root: "/src", file: "deploy/app.yaml", line: 12, wantURI: "deploy/app.yaml", wantBase: "%SRCROOT%", wantLine: 12},
		"escaped characters":                {root: "/src", file: "my dir/a#1.yaml", line: 1, wantURI: "my%20dir/a%231.yaml", wantBase: "%SRCROOT%", wantLine: 1},
		"absolute file under the root":      {root: "/src", file: "/src/k8s/x.yaml", line: 5, wantURI: "k8s/x.yaml", wantBase: "%SRCROOT%", wantLine: 5},
		"absolute file outside the root":    {root: "/src", file: "/etc/x.yaml", line: 5, wantURI: "file:///etc/x.yaml", wantLine: 5},
		"unknown line has no region":        {root: "/src", file: "x.yaml", wantURI: "x.yaml", wantBase: "%SRCROOT%"},
		"stdin has no physical location":    {root: "/src", file: "-", noLocation: true},
		"live cluster has no physical file": {root: "/src", file: "", noLocation: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			loc := physicalLocation(tc.root, tc.file, tc.line)
			if tc.noLocation {
				if loc != nil {
					t.Fatalf("physicalLocation() = %+v, want nil", loc)
				}
				return
			}
			if loc.ArtifactLocation.URI != tc.wantURI || loc.ArtifactLocation.URIBaseID != tc.wantBase {
				t.Errorf("artifactLocation = %+v, want uri %q base %q", loc.ArtifactLocation, tc.wantURI, tc.wantBase)
			}
			gotLine := 0
			if loc.Region != nil {
				gotLine = loc.Region.StartLine
			}
			if gotLine != tc.wantLine {
				t.Errorf("startLine = %d, want %d", gotLine, tc.wantLine)
			}
		})
	}
}

func TestSARIFResults(t *testing.T) {
	t.Parallel()
	var log sarifLog
	if err := json.Unmarshal(render(t, FormatSARIF, sampleReport()), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file:///work/repo/" {
		t.Errorf("originalUriBaseIds = %+v", run.OriginalURIBaseIDs)
	}
	levels := map[string]string{}
	for _, res := range run.Results {
		levels[res.RuleID] = res.Level
		if rule := run.Tool.Driver.Rules[res.RuleIndex]; rule.ID != res.RuleID {
			t.Errorf("result %s points at rule %s", res.RuleID, rule.ID)
		}
		if res.PartialFingerprints[sarifFingerprint] == "" {
			t.Errorf("result %s has no fingerprint", res.RuleID)
		}
	}
	want := map[string]string{
		"exposed-dashboard": "error", "privileged-container": "error", "host-path-mount": "error",
		"secret-in-env": "warning", "latest-tag": "note",
	}
	for id, lvl := range want {
		if levels[id] != lvl {
			t.Errorf("level of %s = %q, want %q", id, levels[id], lvl)
		}
	}
	last := run.Results[len(run.Results)-1]
	if len(last.Suppressions) != 1 || last.Suppressions[0].Kind != "inSource" {
		t.Errorf("suppressed result = %+v, want one inSource suppression", last.Suppressions)
	}
}
