package fleet

import (
	"os"
	"path/filepath"
	"testing"
)

// loadExample decodes examples/plan/<name>.yaml.
func loadExample(t *testing.T, name string) *Profile {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "examples", "plan", name+".yaml"))
	if err != nil {
		t.Fatalf("opening example: %v", err)
	}
	defer f.Close()
	p, err := DecodeProfile(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
	return p
}

// mustPlan plans p or fails the test.
func mustPlan(t *testing.T, p *Profile) *Plan {
	t.Helper()
	plan, err := NewPlan(p)
	if err != nil {
		t.Fatalf("planning: %v", err)
	}
	return plan
}

// clone deep-copies a profile through its slices, so variations do not
// share backing arrays.
func clone(p *Profile) *Profile {
	c := *p
	c.Environments = append([]Environment(nil), p.Environments...)
	c.Applications = append([]Application(nil), p.Applications...)
	c.Teams = append([]Team(nil), p.Teams...)
	c.Regions = nil
	for _, r := range p.Regions {
		r.Zones = append([]string(nil), r.Zones...)
		c.Regions = append(c.Regions, r)
	}
	return &c
}
