package fleet

import (
	"bytes"
	_ "embed"
)

// exampleProfile is examples/plan/typical.yaml; a test keeps the two equal.
//
//go:embed example_profile.yaml
var exampleProfile []byte

// ExampleProfile returns the annotated reference profile that
// `landfall plan --example` prints.
func ExampleProfile() []byte { return bytes.Clone(exampleProfile) }
