package delivery_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/posture"
)

// A revision is rendered and gated before anything is applied: here a
// commit that adds a privileged DaemonSet is blocked, finding by finding.
func ExampleGate() {
	dir, err := os.MkdirTemp("", "example-")
	if err != nil {
		panic(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if err := os.WriteFile(filepath.Join(dir, "agent.yaml"), []byte(privilegedDaemonSet), 0o600); err != nil {
		panic(err)
	}

	objs, err := delivery.Render(context.Background(), dir, delivery.RenderOptions{})
	if err != nil {
		panic(err)
	}
	v, err := delivery.Gate(objs, delivery.GateOptions{MinSeverity: posture.SeverityCritical})
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Blocked)
	for _, f := range v.Blocking {
		fmt.Printf("%s %s %s:%d\n", f.CheckID, f.Object, f.Source.File, f.Source.Line)
	}
	// Output:
	// true
	// privileged-container DaemonSet/apps/node-agent agent.yaml:1
}
