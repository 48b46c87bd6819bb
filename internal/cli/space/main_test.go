package space

import (
	"bytes"
	"context"
	"os"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/testenv"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

// The command runs against a real API server as the tenant users of the
// test cluster, with the tenancy manager in-process (under its own
// least-privilege identity) maintaining the per-account RBAC.
var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Options{}, &env)) }

var (
	startOnce sync.Once
	startErr  error
)

// startManager starts the package's tenancy manager once.
func startManager(t *testing.T) {
	t.Helper()
	cfg := env.AdminConfig(t)
	startOnce.Do(func() {
		var mgr *webhooktest.Manager
		mgr, startErr = webhooktest.New(context.Background(), webhooktest.Options{Admin: cfg, MaxConcurrentReconciles: 2})
		if startErr == nil {
			startErr = mgr.Start()
		}
	})
	if startErr != nil {
		t.Fatalf("starting tenancy manager: %v", startErr)
	}
}

func adminClient(t *testing.T) client.Client {
	t.Helper()
	c, err := client.New(env.AdminConfig(t), client.Options{Scheme: webhooktest.Scheme()})
	if err != nil {
		t.Fatalf("creating client: %v", err)
	}
	return c
}

// kubeconfig returns the path of a test user's kubeconfig.
func kubeconfig(t *testing.T, user string) string {
	t.Helper()
	path, err := env.Cluster(t).UserKubeconfig(user)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// newAccount creates an account of a group, deleted with the test.
func newAccount(t *testing.T, group string) string {
	t.Helper()
	c := adminClient(t)
	a, err := webhooktest.CreateAccount(t.Context(), c, "acc-"+rand.String(5), group)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Delete(context.Background(), a) })
	return a.Name
}

// waitReady waits until a space is Ready.
func waitReady(t *testing.T, name string) {
	t.Helper()
	c := adminClient(t)
	NewWithT(t).Eventually(func(g Gomega) {
		s := &landfallv1alpha1.Space{}
		g.Expect(c.Get(t.Context(), client.ObjectKey{Name: name}, s)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(s.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
}

// execute runs the command with args and returns what it printed.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := Command()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SetContext(t.Context())
	err := cmd.Execute()
	return out.String(), err
}
