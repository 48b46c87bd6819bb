package template

import (
	"os"
	"testing"

	"github.com/landfall-dev/landfall/internal/testenv"
)

// env is the package's real control plane: render and list read
// Templates and Accounts from it.
var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Options{}, &env)) }
