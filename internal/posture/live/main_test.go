package live_test

import (
	"os"
	"testing"

	"github.com/landfall-dev/landfall/internal/testenv"
)

// env is the local control plane the live scans read.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.Run(m, testenv.Options{Nodes: 1}, &env))
}
