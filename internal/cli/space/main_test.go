package space

import (
	"bytes"
	"context"
	"os"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/testenv"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

// The command runs against a real API server as the tenant users of the
// test cluster, with the tenancy manager in-process (under its own
// least-privilege identity) maintaining the per-account RBAC.
var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Options{}, &env)) }

// tenants wraps env with the package's tenancy manager and helpers.
var tenants = &webhooktest.Tenants{Env: &env}

func startManager(t *testing.T)                    { tenants.StartManager(t) }
func adminClient(t *testing.T) client.Client       { return tenants.AdminClient(t) }
func kubeconfig(t *testing.T, user string) string  { return tenants.Kubeconfig(t, user) }
func newAccount(t *testing.T, group string) string { return tenants.NewAccount(t, group) }
func waitSpaceReady(t *testing.T, name string)     { tenants.WaitReady(t, name) }

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

// twoTenants is alice of account team-a and bob of account team-b, and a
// space name for each, deleted at the end of the test.
type twoTenants struct {
	admin          client.Client
	alice, bob     string // kubeconfig files
	account, bobs  string // their accounts
	name, bobSpace string
}

func newTwoTenants(t *testing.T) twoTenants {
	t.Helper()
	startManager(t)
	f := twoTenants{admin: adminClient(t), alice: kubeconfig(t, "alice"), bob: kubeconfig(t, "bob")}
	f.account, f.bobs = newAccount(t, "team-a"), newAccount(t, "team-b")
	f.name, f.bobSpace = "web-"+rand.String(5), "bob-"+rand.String(5)
	t.Cleanup(func() {
		for _, s := range []string{f.name, f.bobSpace} {
			_ = f.admin.Delete(context.Background(), &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: s}})
		}
	})
	return f
}
