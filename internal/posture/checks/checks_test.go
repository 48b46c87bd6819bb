package checks_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/load"
)

var (
	kebab     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	technique = regexp.MustCompile(`^MS-TA9\d{3}$`)
	expectRE  = regexp.MustCompile(`(?m)^#\s*expect:\s*(.+?)\s*$`)
)

// fixtureDirs maps check IDs to their <area>/testdata/<id> directories.
func fixtureDirs(t *testing.T) map[string]string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("*", "testdata", "*"))
	if err != nil {
		t.Fatalf("finding fixtures: %v", err)
	}
	out := map[string]string{}
	for _, d := range dirs {
		id := filepath.Base(d)
		if prev, dup := out[id]; dup {
			t.Errorf("fixtures for %s in both %s and %s", id, prev, d)
		}
		out[id] = d
	}
	return out
}

func TestAllHasAtLeastFiftySortedChecksThatFormARegistry(t *testing.T) {
	t.Parallel()
	all := checks.All()
	if len(all) < 50 {
		t.Errorf("got %d checks, want at least 50", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b posture.Check) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("checks.All() is not sorted by ID")
	}
	reg, err := checks.Registry()
	if err != nil {
		t.Fatalf("building the registry: %v", err)
	}
	if reg.Len() != len(all) {
		t.Errorf("registry has %d checks, want %d", reg.Len(), len(all))
	}
}

func TestEveryCheckHasValidMetadataAndFixtures(t *testing.T) {
	t.Parallel()
	dirs := fixtureDirs(t)
	seen := map[string]bool{}
	for _, c := range checks.All() {
		t.Run(c.ID, func(t *testing.T) {
			if seen[c.ID] {
				t.Errorf("duplicate ID")
			}
			seen[c.ID] = true
			if !kebab.MatchString(c.ID) {
				t.Errorf("ID is not kebab-case")
			}
			if c.Title == "" || c.Description == "" {
				t.Errorf("empty title or description")
			}
			if c.Severity < posture.SeverityLow || c.Severity > posture.SeverityCritical {
				t.Errorf("invalid severity %d", c.Severity)
			}
			if !strings.HasSuffix(c.Remediation, ".") {
				t.Errorf("remediation %q does not end in a period", c.Remediation)
			}
			if len(c.Techniques) == 0 {
				t.Errorf("no techniques")
			}
			for _, tech := range c.Techniques {
				if !technique.MatchString(tech) || tech == "MS-TA9032" {
					t.Errorf("invalid technique %q", tech)
				}
			}
			dir, ok := dirs[c.ID]
			if !ok {
				t.Fatalf("no fixture directory */testdata/%s", c.ID)
			}
			for _, pattern := range []string{"pass*.yaml", "fail*.yaml"} {
				if m, _ := filepath.Glob(filepath.Join(dir, pattern)); len(m) == 0 {
					t.Errorf("no %s in %s", pattern, dir)
				}
			}
		})
	}
	for id, dir := range dirs {
		if !seen[id] {
			t.Errorf("fixture directory %s belongs to no check", dir)
		}
	}
}

func TestEveryFixtureYieldsTheExpectedFindings(t *testing.T) {
	t.Parallel()
	dirs := fixtureDirs(t)
	for _, c := range checks.All() {
		reg, err := posture.NewRegistry(c)
		if err != nil {
			t.Fatalf("registering %s: %v", c.ID, err)
		}
		files, _ := filepath.Glob(filepath.Join(dirs[c.ID], "*.yaml"))
		for _, file := range files {
			name := filepath.Base(file)
			t.Run(c.ID+"/"+name, func(t *testing.T) {
				t.Parallel()
				objects, data := loadFixture(t, file)
				findings := posture.Run(reg, objects, posture.RunOptions{})
				assertSameAsScan(t, reg, objects, findings)
				for _, f := range findings {
					if strings.HasPrefix(f.Object.Name, "dont-fire-") {
						t.Errorf("finding on %s: %s", f.Object, f.Message)
					}
					for _, v := range secretValues(objects) {
						if strings.Contains(f.Message, v) {
							t.Errorf("message of %s quotes the value of a secret: %s", f.Object, f.Message)
						}
					}
				}
				switch {
				case strings.HasPrefix(name, "pass"):
					for _, f := range findings {
						t.Errorf("pass fixture yields %s at %s: %s", f.Object, f.Path, f.Message)
					}
				case strings.HasPrefix(name, "fail"):
					if len(findings) == 0 {
						t.Fatalf("fail fixture yields no finding")
					}
					for _, m := range expectRE.FindAllStringSubmatch(string(data), -1) {
						if !slices.ContainsFunc(findings, func(f posture.Finding) bool { return strings.Contains(f.Message, m[1]) }) {
							t.Errorf("no finding message contains %q; got %v", m[1], messages(findings))
						}
					}
				default:
					t.Errorf("fixture name must start with pass or fail")
				}
			})
		}
	}
}

func loadFixture(t *testing.T, file string) ([]*posture.Object, []byte) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	var objects []*posture.Object
	_, errs := load.Parse(file, data, func(o *posture.Object) error {
		objects = append(objects, o)
		return nil
	})
	for _, err := range errs {
		t.Errorf("parsing fixture: %v", err)
	}
	return objects, data
}

// assertSameAsScan checks that a streaming Scan finds what Run finds.
func assertSameAsScan(t *testing.T, reg *posture.Registry, objects []*posture.Object, want []posture.Finding) {
	t.Helper()
	s := posture.NewScan(reg, posture.RunOptions{})
	for _, o := range objects {
		s.Add(o)
	}
	got := s.Finish()
	if !slices.Equal(messages(got), messages(want)) {
		t.Errorf("Scan and Run disagree:\nscan %v\nrun  %v", messages(got), messages(want))
	}
}

func messages(fs []posture.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Object.String() + " " + f.Path + ": " + f.Message
	}
	return out
}

// secretValues returns the values in the objects that may be secret: env
// values, ConfigMap data and Secret data, at least 8 characters long.
func secretValues(objects []*posture.Object) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && len(s) >= 8 {
			out = append(out, s)
		}
	}
	for _, o := range objects {
		switch o.U.GetKind() {
		case "ConfigMap", "Secret":
			for _, field := range []string{"data", "stringData"} {
				for _, v := range posture.Map(o.U.Object, field) {
					add(v)
				}
			}
		}
		if pt, ok := posture.PodTemplateOf(o); ok {
			for _, c := range pt.Containers() {
				for _, env := range posture.Maps(c.Map, "env") {
					add(env["value"])
				}
			}
		}
	}
	return out
}
