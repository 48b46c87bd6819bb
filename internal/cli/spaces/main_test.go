package spaces

import (
	"bytes"
	"os"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/testenv"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

// The command runs against a real API server as the tenant users of the
// test cluster, with the tenancy manager in-process (under its own
// least-privilege identity) maintaining the per-account RBAC.
var env *testenv.Env

// carol is a user of no account.
func TestMain(m *testing.M) {
	users := append(append([]localcluster.User(nil), testenv.Users...), localcluster.User{Name: "carol", Groups: []string{"team-c"}})
	os.Exit(testenv.Run(m, testenv.Options{Users: users}, &env))
}

// tenants wraps env with the package's tenancy manager and helpers.
var tenants = &webhooktest.Tenants{Env: &env}

func startManager(t *testing.T)                    { tenants.StartManager(t) }
func adminClient(t *testing.T) client.Client       { return tenants.AdminClient(t) }
func kubeconfig(t *testing.T, user string) string  { return tenants.Kubeconfig(t, user) }
func newAccount(t *testing.T, group string) string { return tenants.NewAccount(t, group) }
func waitReady(t *testing.T, name string)          { tenants.WaitReady(t, name) }

// execute runs the command with args and returns what it printed.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := Command()
	cliutil.Conventions(cmd)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SetContext(t.Context())
	err := cmd.Execute()
	return out.String(), err
}
