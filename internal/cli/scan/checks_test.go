package scan

import (
	"strings"
	"time"

	"github.com/landfall-dev/landfall/internal/posture"
)

// testNow is the clock of the tests: after the expiry in
// testdata/config/landfall.yaml.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testDeps runs the command with testChecks and testNow, so that the
// expected output depends neither on the built-in checks nor on the date.
func testDeps() deps {
	return deps{
		registry: func() (*posture.Registry, error) { return posture.NewRegistry(testChecks()...) },
		now:      func() time.Time { return testNow },
		version:  func() string { return "v0.0.0-test" },
	}
}

// testChecks are three small checks over the fixtures.
func testChecks() []posture.Check {
	return []posture.Check{
		{
			ID: "privileged-container", Title: "Privileged container", Severity: posture.SeverityCritical,
			Techniques: []string{"MS-TA9018"}, Kinds: posture.PodSpecKinds,
			Description: "Flags privileged containers.", Remediation: "Set securityContext.privileged to false.",
			Run: posture.PerContainer(func(c posture.Container) []posture.Violation {
				if v, _ := posture.Bool(c.Map, "securityContext", "privileged"); v {
					return []posture.Violation{{Path: c.At("securityContext.privileged"), Message: `Container "` + c.Name + `" runs privileged.`}}
				}
				return nil
			}),
		},
		{
			ID: "latest-tag", Title: "Image without a pinned tag", Severity: posture.SeverityLow,
			Techniques: []string{"MS-TA9002"}, Kinds: posture.PodSpecKinds,
			Description: "Flags images tagged latest.", Remediation: "Pin the image to a version or digest.",
			Run: posture.PerContainer(func(c posture.Container) []posture.Violation {
				if img := posture.Str(c.Map, "image"); strings.HasSuffix(img, ":latest") {
					return []posture.Violation{{Path: c.At("image"), Message: `Container "` + c.Name + `" uses image ` + img + "."}}
				}
				return nil
			}),
		},
		{
			ID: "cluster-admin-binding", Title: "Binding to cluster-admin", Severity: posture.SeverityHigh,
			Techniques: []string{"MS-TA9019"}, Kinds: []string{"ClusterRoleBinding", "RoleBinding"},
			Description: "Flags bindings to cluster-admin.", Remediation: "Bind a role with only the permissions needed.",
			Run: func(obj *posture.Object, _ posture.Index) []posture.Violation {
				if posture.Str(obj.U.Object, "roleRef", "name") == "cluster-admin" {
					return []posture.Violation{{Path: "roleRef.name", Message: "Binds the cluster-admin ClusterRole."}}
				}
				return nil
			},
		},
	}
}
