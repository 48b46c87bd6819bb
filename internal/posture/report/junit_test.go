package report

import (
	"encoding/xml"
	"testing"
)

func TestJUnitParsesBack(t *testing.T) {
	t.Parallel()
	var doc junitSuites
	if err := xml.Unmarshal(render(t, FormatJUnit, sampleReport()), &doc); err != nil {
		t.Fatalf("JUnit output is not valid XML: %v", err)
	}
	if doc.Tests != 8 || doc.Failures != 5 || doc.Skipped != 1 || doc.Errors != 1 {
		t.Errorf("totals = tests %d failures %d skipped %d errors %d", doc.Tests, doc.Failures, doc.Skipped, doc.Errors)
	}
	suites := map[string]junitSuite{}
	for _, s := range doc.Suites {
		suites[s.Name] = s
	}
	priv := suites["privileged-container"]
	if len(priv.Cases) != 2 || priv.Cases[0].Failure == nil || priv.Cases[1].Skipped == nil {
		t.Fatalf("privileged-container suite = %+v", priv)
	}
	if got := priv.Cases[0].Failure.Message; got != `Container "app" runs privileged.` {
		t.Errorf("failure message = %q", got)
	}
	if priv.Cases[0].File != "deploy.yaml" || priv.Cases[0].Line != 3 {
		t.Errorf("testcase location = %s:%d", priv.Cases[0].File, priv.Cases[0].Line)
	}
	if clean := suites["cluster-admin-binding"]; len(clean.Cases) != 1 || clean.Cases[0].Failure != nil {
		t.Errorf("a check without findings = %+v, want one passing testcase", clean)
	}
	if load := suites[junitLoadSuite]; len(load.Cases) != 1 || load.Cases[0].Error == nil {
		t.Errorf("load suite = %+v", load)
	}
}

func TestJUnitOneCasePerCheckAndObject(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	c := r.Checks[2] // host-path-mount
	r.Findings = append(r.Findings,
		finding(c, "Deployment", "apps", "web", "second volume", at("deploy.yaml", 3), path("spec.template.spec.volumes[1].hostPath")))
	var doc junitSuites
	if err := xml.Unmarshal(render(t, FormatJUnit, r), &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Suites {
		if s.Name != "host-path-mount" {
			continue
		}
		if len(s.Cases) != 1 {
			t.Fatalf("host-path-mount has %d testcases, want 1", len(s.Cases))
		}
		want := `Volume "data" mounts host path /var/lib writable.; second volume`
		if got := s.Cases[0].Failure.Message; got != want {
			t.Errorf("failure message = %q, want %q", got, want)
		}
	}
}
