package cani

import (
	"bytes"
	"os"
	"testing"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/testenv"
)

// env is the control plane the command asks about, as the admin and as
// the sample users.
var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.Run(m, testenv.Options{}, &env))
}

type result struct {
	out  string
	err  error
	code int
}

// run executes `landfall can-i args...`.
func run(t *testing.T, args ...string) result {
	t.Helper()
	cmd := Command()
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(t.Context())
	return result{out: out.String(), err: err, code: cliutil.ExitCode(err)}
}

func userKubeconfig(t *testing.T, name string) string {
	t.Helper()
	path, err := env.Cluster(t).UserKubeconfig(name)
	if err != nil {
		t.Fatal(err)
	}
	return path
}
