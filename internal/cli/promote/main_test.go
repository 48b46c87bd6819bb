package promote

import (
	"bytes"
	"os"
	"testing"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/landfall-dev/landfall/internal/testenv"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

// The commands run against a real API server as the test users, with the
// delivery reconcilers in-process and the tenancy manager serving the
// admission webhooks (the promotion approval webhook among them) under
// its own least-privilege identity.
var env *testenv.Env

func TestMain(m *testing.M) {
	log.SetLogger(logr.Discard())
	os.Exit(testenv.Run(m, testenv.Options{}, &env))
}

var (
	tenants = &webhooktest.Tenants{Env: &env}
	manager = &webhooktest.Delivery{Env: &env}
)

// execute runs `landfall promote` with args and returns what it printed.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := Command()
	// As the root command does: errors are returned, not printed.
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SetContext(t.Context())
	err := cmd.Execute()
	return out.String(), err
}
