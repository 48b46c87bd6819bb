package whocan

import (
	"os"
	"testing"

	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
	"github.com/landfall-dev/landfall/internal/testenv"
)

// env is the control plane the command reads, as the admin and as the
// sample users.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.Run(m, testenv.Options{}, &env))
}

// run executes `landfall who-can args...`.
func run(t *testing.T, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, Command(), args...)
}
