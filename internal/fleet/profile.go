package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Profile describes an organisation for the topology advice.
type Profile struct {
	// Name names the profile; it prefixes nothing and is shown in reports.
	Name string `yaml:"name" json:"name"`
	// Description is free text shown in reports.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Environments are the stages applications run in (dev, staging, prod).
	Environments []Environment `yaml:"environments" json:"environments"`
	// Applications are the services that run in every environment.
	Applications []Application `yaml:"applications" json:"applications"`
	// Teams own applications.
	Teams []Team `yaml:"teams" json:"teams"`
	// Ops is the platform team that runs the clusters.
	Ops Ops `yaml:"ops" json:"ops"`
	// Regions are where clusters run; the first is the primary region.
	Regions []Region `yaml:"regions" json:"regions"`
	// Compliance is the regime the organisation answers to.
	Compliance Compliance `yaml:"compliance" json:"compliance"`
	// Weights say how much the organisation cares about each axis.
	Weights Weights `yaml:"weights" json:"weights"`
	// Git is where the emitted environments live (optional).
	Git Git `yaml:"git,omitempty" json:"git,omitzero"`
}

// Environment is a stage of delivery.
type Environment struct {
	// Name is a DNS label: dev, staging, prod.
	Name string `yaml:"name" json:"name"`
	// Production marks environments that serve customers.
	Production bool `yaml:"production,omitempty" json:"production,omitempty"`
	// Scale is the environment's load relative to production (0 < scale
	// ≤ 1); 0 means 1 for production and 0.5 otherwise.
	Scale float64 `yaml:"scale,omitempty" json:"scale,omitempty"`
}

// Application is a service deployed to every environment.
type Application struct {
	// Name is a DNS label.
	Name string `yaml:"name" json:"name"`
	// Team owns the application; it must be one of Profile.Teams.
	Team string `yaml:"team" json:"team"`
	// Criticality is low, medium, high or critical.
	Criticality string `yaml:"criticality" json:"criticality"`
	// LoadVariability is low, medium or high: how much the load moves.
	LoadVariability string `yaml:"loadVariability" json:"loadVariability"`
	// DataSensitivity is public, internal, confidential or restricted.
	DataSensitivity string `yaml:"dataSensitivity" json:"dataSensitivity"`
	// Size is the production footprint in node-equivalents; 0 means 1.
	Size float64 `yaml:"size,omitempty" json:"size,omitempty"`
}

// Team is a group of people owning applications.
type Team struct {
	// Name is a DNS label.
	Name string `yaml:"name" json:"name"`
}

// Ops is the team that runs the clusters.
type Ops struct {
	// Headcount is the number of people running clusters (may be a
	// fraction: 0.5 is someone half-time).
	Headcount float64 `yaml:"headcount" json:"headcount"`
}

// Region is a cloud or data-centre region and its failure zones.
type Region struct {
	// Name of the region.
	Name string `yaml:"name" json:"name"`
	// Zones are the failure zones clusters may span.
	Zones []string `yaml:"zones" json:"zones"`
}

// Compliance is the regulatory regime.
type Compliance struct {
	// Regime names it (free text: "SOC 2", "PCI DSS"...).
	Regime string `yaml:"regime,omitempty" json:"regime,omitempty"`
	// Level is none, moderate or strict.
	Level string `yaml:"level" json:"level"`
}

// Weights say how much each axis matters; they are relative, any
// non-negative numbers with a positive sum. All zero means equal weights.
type Weights struct {
	// Cost weighs the Cost axis.
	Cost float64 `yaml:"cost" json:"cost"`
	// Management weighs the Management axis.
	Management float64 `yaml:"management" json:"management"`
	// Elasticity weighs the Elasticity axis.
	Elasticity float64 `yaml:"elasticity" json:"elasticity"`
	// Security weighs the Security axis.
	Security float64 `yaml:"security" json:"security"`
}

// Git says where emitted environments are synced from.
type Git struct {
	// URL of the repository.
	URL string `yaml:"url,omitempty" json:"url,omitempty"`
	// Branch to sync; empty means main.
	Branch string `yaml:"branch,omitempty" json:"branch,omitempty"`
}

// Levels accepted by the profile, lowest first.
var (
	criticalities   = []string{"low", "medium", "high", "critical"}
	variabilities   = []string{"low", "medium", "high"}
	sensitivities   = []string{"public", "internal", "confidential", "restricted"}
	complianceLevel = []string{"none", "moderate", "strict"}
)

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// DecodeProfile reads a YAML profile strictly: unknown fields, several
// documents and invalid values are errors that name the field.
func DecodeProfile(r io.Reader) (*Profile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading profile: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("decoding profile: empty document")
		}
		return nil, fmt.Errorf("decoding profile: %w", err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("decoding profile: more than one YAML document")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// FieldError is a validation error of one profile field.
type FieldError struct {
	// Field is the path, as in "applications[3].criticality".
	Field string
	// Message says what is wrong.
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every invalid field of a profile.
type ValidationError struct {
	// Errors are the invalid fields, in document order.
	Errors []*FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Error()
	}
	return "invalid profile: " + strings.Join(msgs, "; ")
}

// Validate checks every field and returns a *ValidationError naming each
// bad one.
func (p *Profile) Validate() error {
	v := &validator{}
	if len(p.Environments) == 0 {
		v.add("environments", "at least one environment is required")
	}
	envs := map[string]bool{}
	for i, e := range p.Environments {
		f := fmt.Sprintf("environments[%d]", i)
		v.name(f+".name", e.Name, envs)
		if e.Scale < 0 || e.Scale > 1 {
			v.add(f+".scale", fmt.Sprintf("%g is not in (0, 1]", e.Scale))
		}
	}
	teams := map[string]bool{}
	for i, t := range p.Teams {
		v.name(fmt.Sprintf("teams[%d].name", i), t.Name, teams)
	}
	if len(p.Applications) == 0 {
		v.add("applications", "at least one application is required")
	}
	apps := map[string]bool{}
	for i, a := range p.Applications {
		f := fmt.Sprintf("applications[%d]", i)
		v.name(f+".name", a.Name, apps)
		if !teams[a.Team] {
			v.add(f+".team", fmt.Sprintf("%q is not one of the teams", a.Team))
		}
		v.oneOf(f+".criticality", a.Criticality, criticalities)
		v.oneOf(f+".loadVariability", a.LoadVariability, variabilities)
		v.oneOf(f+".dataSensitivity", a.DataSensitivity, sensitivities)
		if a.Size < 0 {
			v.add(f+".size", fmt.Sprintf("%g is negative", a.Size))
		}
	}
	if p.Ops.Headcount <= 0 {
		v.add("ops.headcount", "must be more than 0")
	}
	if len(p.Regions) == 0 {
		v.add("regions", "at least one region is required")
	}
	regions := map[string]bool{}
	for i, r := range p.Regions {
		f := fmt.Sprintf("regions[%d]", i)
		v.name(f+".name", r.Name, regions)
		if len(r.Zones) == 0 {
			v.add(f+".zones", "at least one zone is required")
		}
		zones := map[string]bool{}
		for j, z := range r.Zones {
			if z == "" || zones[z] {
				v.add(fmt.Sprintf("%s.zones[%d]", f, j), fmt.Sprintf("%q is empty or repeated", z))
			}
			zones[z] = true
		}
	}
	v.oneOf("compliance.level", p.Compliance.Level, complianceLevel)
	w := p.Weights
	for _, f := range []struct {
		name string
		w    float64
	}{{"weights.cost", w.Cost}, {"weights.management", w.Management}, {"weights.elasticity", w.Elasticity}, {"weights.security", w.Security}} {
		if f.w < 0 {
			v.add(f.name, fmt.Sprintf("%g is negative", f.w))
		}
	}
	if len(v.errs) > 0 {
		return &ValidationError{Errors: v.errs}
	}
	return nil
}

type validator struct{ errs []*FieldError }

func (v *validator) add(field, msg string) {
	v.errs = append(v.errs, &FieldError{Field: field, Message: msg})
}

func (v *validator) name(field, name string, seen map[string]bool) {
	switch {
	case !dnsLabel.MatchString(name) || len(name) > 40:
		v.add(field, fmt.Sprintf("%q is not a lower-case DNS label of at most 40 characters", name))
	case seen[name]:
		v.add(field, fmt.Sprintf("%q is used twice", name))
	}
	seen[name] = true
}

func (v *validator) oneOf(field, value string, allowed []string) {
	if indexOf(allowed, value) < 0 {
		v.add(field, fmt.Sprintf("%q is not one of %s", value, strings.Join(allowed, ", ")))
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// scale returns the environment's load relative to production.
func (e Environment) scale() float64 {
	switch {
	case e.Scale > 0:
		return e.Scale
	case e.Production:
		return 1
	default:
		return 0.5
	}
}

// size returns the application's production footprint.
func (a Application) size() float64 {
	if a.Size > 0 {
		return a.Size
	}
	return 1
}

// weights returns the weights, equal when all are zero.
func (p *Profile) weights() Weights {
	w := p.Weights
	if w.Cost+w.Management+w.Elasticity+w.Security == 0 {
		return Weights{1, 1, 1, 1}
	}
	return w
}
