package promote

import (
	"os"
	"testing"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
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

// execute runs `landfall promote` with args and returns what it printed
// (stdout, then stderr).
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	r := clitest.Run(t, Command(), args...)
	return r.Out + r.ErrOut, r.Err
}
