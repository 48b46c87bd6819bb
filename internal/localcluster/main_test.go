package localcluster_test

import (
	"os"
	"testing"

	"github.com/landfall-dev/landfall/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		helperProcess()
		return
	}
	os.Exit(testenv.Run(m, testenv.Options{Nodes: 3}, &env))
}
