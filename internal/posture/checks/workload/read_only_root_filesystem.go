package workload

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ReadOnlyRootFilesystem flags containers with a writable root file system.
var ReadOnlyRootFilesystem = posture.Check{
	ID:         "writable-root-filesystem",
	Title:      "Root file system writable",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9007", "MS-TA9009"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers without securityContext.readOnlyRootFilesystem: true. A " +
		"writable root lets an attacker who gained execution drop tools and binaries and " +
		"tamper with the application.",
	Remediation: "Set securityContext.readOnlyRootFilesystem to true and mount emptyDir volumes where the application must write.",
	Run:         posture.PerContainer(readOnlyRootFilesystem),
}

func readOnlyRootFilesystem(c posture.Container) []posture.Violation {
	if v, _ := posture.Bool(c.Map, "securityContext", "readOnlyRootFilesystem"); v {
		return nil
	}
	return []posture.Violation{{
		Path:    c.At("securityContext.readOnlyRootFilesystem"),
		Message: fmt.Sprintf("%s has a writable root file system", describe(c)),
	}}
}
