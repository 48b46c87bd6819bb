package scan

import (
	"os"
	"testing"

	"github.com/landfall-dev/landfall/internal/testenv"
)

// env is the local control plane that the --cluster tests scan.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.Run(m, testenv.Options{Nodes: 1}, &env))
}
