package fleet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
)

const minimalProfile = `
name: tiny
environments: [{name: prod, production: true}]
teams: [{name: a}]
applications: [{name: web, team: a, criticality: low, loadVariability: low, dataSensitivity: public}]
ops: {headcount: 1}
regions: [{name: r1, zones: [z1]}]
compliance: {level: none}
weights: {cost: 1, management: 1, elasticity: 1, security: 1}
`

func TestDecodeProfile_Errors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		edit func(string) string
		want []string
	}{
		"unknown field names the field and line": {
			edit: func(s string) string {
				return strings.Replace(s, "ops: {headcount: 1}", "ops: {headcount: 1, pagers: 2}", 1)
			},
			want: []string{"pagers", "line 6"},
		},
		"misspelt application field": {
			edit: func(s string) string { return strings.Replace(s, "loadVariability", "loadVariance", 1) },
			want: []string{"loadVariance"},
		},
		"bad level names the field path": {
			edit: func(s string) string { return strings.Replace(s, "criticality: low", "criticality: urgent", 1) },
			want: []string{`applications[0].criticality: "urgent" is not one of low, medium, high, critical`},
		},
		"unknown team": {
			edit: func(s string) string { return strings.Replace(s, "team: a,", "team: b,", 1) },
			want: []string{`applications[0].team: "b" is not one of the teams`},
		},
		"no ops": {
			edit: func(s string) string { return strings.Replace(s, "headcount: 1", "headcount: 0", 1) },
			want: []string{"ops.headcount: must be more than 0"},
		},
		"bad compliance": {
			edit: func(s string) string { return strings.Replace(s, "level: none", "level: lax", 1) },
			want: []string{"compliance.level"},
		},
		"negative weight": {
			edit: func(s string) string { return strings.Replace(s, "security: 1", "security: -1", 1) },
			want: []string{"weights.security: -1 is negative"},
		},
		"repeated environment": {
			edit: func(s string) string {
				return strings.Replace(s, "[{name: prod, production: true}]", "[{name: prod}, {name: prod}]", 1)
			},
			want: []string{`environments[1].name: "prod" is used twice`},
		},
		"two documents": {
			edit: func(s string) string { return s + "---\nname: other\n" },
			want: []string{"more than one YAML document"},
		},
		"empty": {
			edit: func(string) string { return "" },
			want: []string{"empty document"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			_, err := DecodeProfile(strings.NewReader(tt.edit(minimalProfile)))
			g.Expect(err).To(HaveOccurred())
			for _, w := range tt.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

func TestDecodeProfile_ListsEveryBadField(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	bad := strings.NewReplacer("criticality: low", "criticality: x", "level: none", "level: y").Replace(minimalProfile)
	_, err := DecodeProfile(strings.NewReader(bad))
	var verr *ValidationError
	g.Expect(errors.As(err, &verr)).To(BeTrue())
	g.Expect(verr.Errors).To(HaveLen(2))
	g.Expect(verr.Errors[0].Field).To(Equal("applications[0].criticality"))
	g.Expect(verr.Errors[1].Field).To(Equal("compliance.level"))
}

func TestDecodeProfile_Defaults(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p, err := DecodeProfile(strings.NewReader(strings.Replace(minimalProfile,
		"weights: {cost: 1, management: 1, elasticity: 1, security: 1}", "weights: {cost: 0, management: 0, elasticity: 0, security: 0}", 1)))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(p.weights()).To(Equal(Weights{1, 1, 1, 1}))
	g.Expect(p.Environments[0].scale()).To(Equal(1.0))
	g.Expect(Environment{Name: "dev"}.scale()).To(Equal(0.5))
	g.Expect(p.Applications[0].size()).To(Equal(1.0))
}

func TestExampleProfile_IsTheTypicalExample(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	want, err := os.ReadFile(filepath.Join("..", "..", "examples", "plan", "typical.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(ExampleProfile())).To(Equal(string(want)), "copy examples/plan/typical.yaml to internal/fleet/example_profile.yaml")
	_, err = DecodeProfile(bytes.NewReader(ExampleProfile()))
	g.Expect(err).NotTo(HaveOccurred())
}

func TestExamples_AllDecode(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "plan", "*.yaml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("want the three example profiles, got %v (%v)", files, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		NewWithT(t).Expect(mustPlan(t, loadExample(t, name)).Topologies).To(HaveLen(4))
	}
}
