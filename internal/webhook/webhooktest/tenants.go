package webhooktest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/testenv"
)

// Tenants gives the tests of a tenant-facing command what they need around
// a package's test cluster: a tenancy manager started once (under its own
// least-privilege identity), an admin client, the test users' kubeconfigs,
// throw-away accounts and a wait for a Space to be Ready.
type Tenants struct {
	// Env points at the package's test cluster variable, which
	// testenv.Run sets in TestMain.
	Env **testenv.Env

	once sync.Once
	err  error
}

// StartManager starts the tenancy manager on the first call.
func (ts *Tenants) StartManager(t testing.TB) {
	t.Helper()
	cfg, certDir := (*ts.Env).AdminConfig(t), (*ts.Env).Dir(t, "webhook-certs")
	ts.once.Do(func() {
		var mgr *Manager
		mgr, ts.err = New(context.Background(), Options{Admin: cfg, MaxConcurrentReconciles: 2, CertDir: certDir})
		if ts.err == nil {
			ts.err = mgr.Start()
		}
	})
	if ts.err != nil {
		t.Fatalf("starting tenancy manager: %v", ts.err)
	}
}

// AdminClient returns a cluster-admin client that knows Landfall's types.
func (ts *Tenants) AdminClient(t testing.TB) client.Client {
	t.Helper()
	c, err := client.New((*ts.Env).AdminConfig(t), client.Options{Scheme: Scheme()})
	if err != nil {
		t.Fatalf("creating client: %v", err)
	}
	return c
}

// Kubeconfig returns the path of a test user's kubeconfig.
func (ts *Tenants) Kubeconfig(t testing.TB, user string) string {
	t.Helper()
	path, err := (*ts.Env).Cluster(t).UserKubeconfig(user)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// NewAccount creates an account of a group, deleted with the test, and
// returns its name.
func (ts *Tenants) NewAccount(t testing.TB, group string) string {
	t.Helper()
	c := ts.AdminClient(t)
	a, err := CreateAccount(t.Context(), c, "acc-"+rand.String(5), group)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Delete(context.Background(), a) })
	return a.Name
}

// WaitReady waits until a Space is Ready.
func (ts *Tenants) WaitReady(t testing.TB, name string) {
	t.Helper()
	c := ts.AdminClient(t)
	gomega.NewWithT(t).Eventually(func(g gomega.Gomega) {
		s := &landfallv1alpha1.Space{}
		g.Expect(c.Get(t.Context(), client.ObjectKey{Name: name}, s)).To(gomega.Succeed())
		g.Expect(meta.IsStatusConditionTrue(s.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(gomega.BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(200 * time.Millisecond).Should(gomega.Succeed())
}
