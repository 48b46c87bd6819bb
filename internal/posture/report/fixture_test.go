package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkInfo returns test check metadata.
func checkInfo(id string, sev posture.Severity, techniques ...string) CheckInfo {
	return CheckInfo{
		ID: id, Title: "Title of " + id, Severity: sev, Techniques: techniques,
		Description: "Flags " + id + ".", Remediation: "Fix " + id + ".",
	}
}

// findingMod modifies a test finding.
type findingMod func(f *posture.Finding)

// at sets the finding's file and line.
func at(file string, line int) findingMod {
	return func(f *posture.Finding) { f.Source = posture.Source{File: file, Line: line} }
}

// path sets the finding's field path.
func path(p string) findingMod { return func(f *posture.Finding) { f.Path = p } }

// finding builds a finding of check c on kind/namespace/name.
func finding(c CheckInfo, kind, namespace, name, message string, mods ...findingMod) posture.Finding {
	f := posture.Finding{
		CheckID: c.ID, Title: c.Title, Severity: c.Severity, Techniques: c.Techniques,
		Object:  posture.ObjectRef{APIVersion: "v1", Kind: kind, Namespace: namespace, Name: name},
		Message: message, Remediation: c.Remediation,
	}
	if kind == "Deployment" || kind == "DaemonSet" {
		f.Object.APIVersion = "apps/v1"
	}
	for _, m := range mods {
		m(&f)
	}
	f.ID = posture.FindingID(f.CheckID, f.Object, f.Path)
	return f
}

// sampleReport is a scan with a finding in most tactics, a technique under
// three tactics, a suppressed finding, exceptions in every status, a load
// error and a note.
func sampleReport() *Report {
	dashboard := checkInfo("exposed-dashboard", posture.SeverityCritical, "MS-TA9005")
	clusterAdmin := checkInfo("cluster-admin-binding", posture.SeverityCritical, "MS-TA9019")
	privileged := checkInfo("privileged-container", posture.SeverityHigh, "MS-TA9018")
	hostPath := checkInfo("host-path-mount", posture.SeverityHigh, "MS-TA9013")
	secret := checkInfo("secret-in-env", posture.SeverityMedium, "MS-TA9027")
	latest := checkInfo("latest-tag", posture.SeverityLow, "MS-TA9002")

	return &Report{
		Root:    "/work/repo",
		Version: "v0.1.0-test",
		Objects: 12,
		Files:   []string{"agent.yaml", "broken.yaml", "deploy.yaml", "svc.yaml"},
		Checks:  []CheckInfo{clusterAdmin, dashboard, hostPath, latest, privileged, secret},
		Findings: []posture.Finding{
			finding(privileged, "Deployment", "apps", "web", `Container "app" runs privileged.`,
				at("deploy.yaml", 3), path("spec.template.spec.containers[0].securityContext.privileged")),
			finding(hostPath, "Deployment", "apps", "web", `Volume "data" mounts host path /var/lib writable.`,
				at("deploy.yaml", 3), path("spec.template.spec.volumes[0].hostPath")),
			finding(secret, "Deployment", "apps", "web", `Env var "TOKEN<script>" in container "app" holds a literal credential (value: ****).`,
				at("deploy.yaml", 3), path("spec.template.spec.containers[0].env[0].value")),
			finding(latest, "Deployment", "apps", "api", `Container "api" uses image nginx:latest.`,
				at("deploy.yaml", 40), path("spec.template.spec.containers[0].image")),
			finding(dashboard, "Service", "ops", "dashboard", "Service exposes the Kubernetes dashboard as type LoadBalancer.",
				at("svc.yaml", 1), path("spec.type")),
		},
		Suppressed: []Suppressed{{
			Finding: finding(privileged, "DaemonSet", "kube-system", "cilium", `Container "agent" runs privileged.`,
				at("agent.yaml", 1), path("spec.template.spec.containers[0].securityContext.privileged")),
			By: exception.Suppression{By: "DaemonSet/kube-system/cilium metadata.annotations", Reason: "CNI agent", Annotation: true},
		}},
		Exceptions: []exception.Outcome{
			{Source: "landfall.yaml: exceptions[0]", Checks: []string{"no-limits"}, Resource: "*/prod/*", Reason: "stale", Status: exception.StatusUnmatched},
			{Source: "landfall.yaml: exceptions[1]", Checks: []string{"latest-tag"}, Resource: "Deployment/apps/api", Reason: "pinning soon", Expires: "2026-01-31", Status: exception.StatusExpired, Matched: 1},
			{Source: "DaemonSet/kube-system/cilium metadata.annotations", File: "agent.yaml", Line: 1, Checks: []string{"privileged-container"}, Resource: "DaemonSet/kube-system/cilium", Reason: "CNI agent", Status: exception.StatusApplied, Matched: 1},
		},
		LoadErrors: []LoadError{{File: "broken.yaml", Line: 7, Message: "yaml: mapping values are not allowed in this context"}},
		Notes:      []string{"skipped binary file logo.png"},
	}
}

// render writes r in format f without colour.
func render(t *testing.T, f Format, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, r, Options{}); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
