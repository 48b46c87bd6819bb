package posture_test

import (
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
)

// check builds a valid check; mods change it.
func check(id string, mods ...func(*posture.Check)) posture.Check {
	c := posture.Check{
		ID:          id,
		Title:       "Title",
		Severity:    posture.SeverityHigh,
		Techniques:  []string{"MS-TA9018"},
		Description: "Description.",
		Remediation: "Fix it.",
		Run:         func(*posture.Object, posture.Index) []posture.Violation { return nil },
	}
	for _, m := range mods {
		m(&c)
	}
	return c
}

func TestNewRegistry(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		checks  []posture.Check
		wantErr string
	}{
		"valid checks are accepted":     {checks: []posture.Check{check("b-check"), check("a-check")}},
		"duplicate IDs are rejected":    {checks: []posture.Check{check("a-check"), check("a-check")}, wantErr: "duplicate check id: a-check"},
		"non-kebab IDs are rejected":    {checks: []posture.Check{check("A_Check")}, wantErr: "is not kebab-case"},
		"empty IDs are rejected":        {checks: []posture.Check{check("")}, wantErr: "is not kebab-case"},
		"empty remediation is rejected": {checks: []posture.Check{check("a", func(c *posture.Check) { c.Remediation = " " })}, wantErr: "empty remediation"},
		"no techniques is rejected":     {checks: []posture.Check{check("a", func(c *posture.Check) { c.Techniques = nil })}, wantErr: "no techniques"},
		"a malformed technique is rejected": {
			checks:  []posture.Check{check("a", func(c *posture.Check) { c.Techniques = []string{"T1610"} })},
			wantErr: "not an MS-TA9xxx ID",
		},
		"the retired technique is rejected": {
			checks:  []posture.Check{check("a", func(c *posture.Check) { c.Techniques = []string{"MS-TA9032"} })},
			wantErr: "retired",
		},
		"a nil Run is rejected":           {checks: []posture.Check{check("a", func(c *posture.Check) { c.Run = nil })}, wantErr: "nil Run"},
		"an invalid severity is rejected": {checks: []posture.Check{check("a", func(c *posture.Check) { c.Severity = 0 })}, wantErr: "invalid severity"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := posture.NewRegistry(tc.checks...)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("got error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestRegistryListsChecksSortedAndFindsThemByID(t *testing.T) {
	t.Parallel()
	reg, err := posture.NewRegistry(check("c"), check("a"), check("b"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range reg.All() {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != "a,b,c" {
		t.Errorf("All: got %v, want a,b,c", ids)
	}
	if c, ok := reg.Get("b"); !ok || c.ID != "b" {
		t.Errorf("Get(b): got %v %v", c.ID, ok)
	}
	if _, ok := reg.Get("zzz"); ok {
		t.Errorf("Get(zzz) found a check")
	}
	if sel := reg.Select(func(c posture.Check) bool { return c.ID != "b" }); sel.Len() != 2 {
		t.Errorf("Select: got %d checks, want 2", sel.Len())
	}
}
