package rbac

import (
	"os"
	"testing"

	"github.com/landfall-dev/landfall/internal/testenv"
)

// env is the real kube-apiserver (with the controller-manager, whose
// clusterrole-aggregation controller the tests rely on) that the
// evaluator is compared with.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.Run(m, testenv.Options{}, &env))
}
