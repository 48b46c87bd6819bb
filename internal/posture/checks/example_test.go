package checks_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/load"
)

// Example scans a manifest from standard input with every built-in check,
// streaming objects from the loader into a Scan.
func Example() {
	reg, err := checks.Registry()
	if err != nil {
		panic(err)
	}
	manifest := `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: kube-system
spec:
  hostPID: true
  containers:
  - name: shell
    image: busybox
    securityContext:
      privileged: true
`
	scan := posture.NewScan(reg.Select(func(c posture.Check) bool {
		return c.Severity >= posture.SeverityHigh
	}), posture.RunOptions{})
	notes, errs := load.Walk(context.Background(), []string{"-"}, load.Options{Stdin: strings.NewReader(manifest)},
		func(o *posture.Object) error {
			scan.Add(o)
			return nil
		})
	fmt.Println(len(notes), len(errs))
	for _, f := range scan.Finish() {
		fmt.Printf("%s:%d %s %s %s\n", f.Source.File, f.Source.Line, f.Severity, f.CheckID, f.Path)
	}
	// Output:
	// 0 0
	// <stdin>:1 high host-pid spec.hostPID
	// <stdin>:1 critical privileged-container spec.containers[0].securityContext.privileged
}
