package rules_test

import (
	stdcontext "context"
	"fmt"
	"os"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/rules"
)

// Example runs every built-in rule over an audit log line and prints the
// alerts as JSON lines, as `landfall detect -o json` does.
func Example() {
	reg, err := rules.Registry()
	if err != nil {
		panic(err)
	}
	engine, err := detect.NewEngine(reg, detect.Options{})
	if err != nil {
		panic(err)
	}
	d := detect.NewDetector(engine, nil, detect.SinkFunc(func(a detect.Alert) error {
		fmt.Printf("%s %s %s: %s\n", a.Severity, a.Rule, a.User, a.Message)
		return nil
	}))
	log := `{"auditID":"1","stage":"ResponseComplete","verb":"delete","user":{"username":"mallory"},` +
		`"objectRef":{"resource":"events","namespace":"shop","name":"web.17f3"},"responseStatus":{"code":200}}`
	if err := detect.ReadEvents(context(), strings.NewReader(log), "audit.log", d); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	// Output: high events-deleted mallory: deleted event shop/web.17f3
}

// context returns a background context for the example.
func context() stdcontext.Context { return stdcontext.Background() }
