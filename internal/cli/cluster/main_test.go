package cluster

import (
	"bytes"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/landfall-dev/landfall/config/crd"
	"github.com/landfall-dev/landfall/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Options{}, &env)) }

var installOnce sync.Once

// registryKubeconfig returns the admin kubeconfig of the package's control
// plane, with the landfall CRDs installed.
func registryKubeconfig(t *testing.T) string {
	t.Helper()
	c := env.Cluster(t)
	var err error
	installOnce.Do(func() { _, err = crd.Install(t.Context(), c.AdminConfig(), time.Minute) })
	if err != nil {
		t.Fatalf("installing CRDs: %v", err)
	}
	return c.AdminKubeconfig()
}

// execute runs `landfall cluster ARGS` and returns stdout and the error.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := Command()
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}
