package controller

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/config/rbac"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// shardManager runs the delivery reconcilers of one shard, as the
// manager's own ServiceAccount bound to the generated ClusterRole (never
// cluster-admin), so the test also proves the manager's least privilege:
// it syncs only by impersonating the environment's ServiceAccount.
type shardManager struct {
	cfg    *rest.Config
	shard  string
	cache  string
	cancel context.CancelFunc
	done   chan error
}

// newShardManager installs the manager's RBAC and returns a stopped
// manager for the shard.
func newShardManager(t *testing.T, shard string) *shardManager {
	t.Helper()
	ctx := context.Background()
	admin := suite.client
	err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: rbac.Namespace}})
	if client.IgnoreAlreadyExists(err) != nil {
		t.Fatalf("creating %s: %v", rbac.Namespace, err)
	}
	if err := rbac.Apply(ctx, admin, "landfall-install"); err != nil {
		t.Fatalf("installing RBAC: %v", err)
	}
	cs, err := kubernetes.NewForConfig(suite.hub.AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	ttl := int64(3600)
	tok, err := cs.CoreV1().ServiceAccounts(rbac.Namespace).CreateToken(ctx, rbac.ServiceAccount,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &ttl}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("requesting a token for %s: %v", rbac.ServiceAccountUser, err)
	}
	cfg := rest.AnonymousClientConfig(suite.hub.AdminConfig())
	cfg.BearerToken = tok.Status.Token
	cache, err := os.MkdirTemp("", "landfall-shard-git-")
	if err != nil {
		t.Fatal(err)
	}
	m := &shardManager{cfg: cfg, shard: shard, cache: cache}
	t.Cleanup(func() {
		_ = m.stop()
		_ = os.RemoveAll(cache)
	})
	return m
}

// start runs a new manager.
func (m *shardManager) start(t *testing.T) {
	t.Helper()
	mgr, err := ctrl.NewManager(m.cfg, ctrl.Options{
		Scheme:                 newScheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		t.Fatalf("creating manager: %v", err)
	}
	if err := SetupDelivery(mgr, DeliveryOptions{
		CacheDir: m.cache, RetryInterval: time.Second, ShardKey: m.shard, AllowLocalSources: true, MaxConcurrentReconciles: 2,
	}); err != nil {
		t.Fatalf("setting up delivery: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.done = cancel, make(chan error, 1)
	go func() { m.done <- mgr.Start(ctx) }()
}

// stop cancels the manager and waits until it has stopped.
func (m *shardManager) stop() error {
	if m.cancel == nil {
		return nil
	}
	m.cancel()
	err := <-m.done
	m.cancel = nil
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// configMaps returns the names of the ConfigMaps an environment applied
// in ns, by its label.
func configMaps(g Gomega, ns, env string) []string {
	var list corev1.ConfigMapList
	g.Expect(suite.client.List(context.Background(), &list, client.InNamespace(ns),
		client.MatchingLabels{landfallv1alpha1.LabelEnvironmentName: env})).To(Succeed())
	var out []string
	for _, cm := range list.Items {
		out = append(out, cm.Name)
	}
	return out
}

// manyConfigMaps returns one file with n ConfigMaps cm-000... in ns.
func manyConfigMaps(ns string, from, n int) string {
	docs := make([]string, 0, n)
	for i := from; i < from+n; i++ {
		docs = append(docs, dt.ConfigMap(fmt.Sprintf("cm-%03d", i), ns, "i", fmt.Sprint(i)))
	}
	return dt.Join(docs...)
}

// TestEnvironmentReconciler_ManagerRestartMidSync stops the manager while
// it applies a large revision, commits a revision that removes half of it
// while no manager runs, starts a new manager, and checks the environment
// converges with nothing lost or duplicated: every object the stopped
// manager created and Git no longer has is pruned (it was in the planned
// inventory), every object Git has exists once, and the inventory lists
// exactly those.
func TestEnvironmentReconciler_ManagerRestartMidSync(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	shard := "restart-" + rand.String(5)
	m := newShardManager(t, shard)
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	const total = 400
	repo := dt.NewRepo(t, map[string]string{"dev/cms.yaml": manyConfigMaps(dev, 0, total)})
	first := repo.Head(t)
	env := environment(platform, "dev", repo.Bare, "dev")
	env.Labels = map[string]string{LabelShard: shard}
	createEnv(t, env)

	m.start(t)
	g.Eventually(func(g Gomega) {
		g.Expect(len(configMaps(g, dev, "dev"))).To(BeNumerically(">=", 20))
	}).WithTimeout(60 * time.Second).WithPolling(10 * time.Millisecond).Should(Succeed())
	g.Expect(m.stop()).To(Succeed())

	// Stopped mid-way: not every object exists, the revision is not
	// recorded as applied, and the planned inventory already lists all.
	created := configMaps(g, dev, "dev")
	e := getEnv(g, platform, "dev")
	g.Expect(len(created)).To(BeNumerically("<", total), "the apply finished before the manager stopped")
	g.Expect(e.Status.LastAppliedRevision).To(BeEmpty())
	g.Expect(e.Status.Inventory).NotTo(BeNil())
	g.Expect(e.Status.Inventory.Entries).To(HaveLen(total), "the planned inventory was written before applying")

	// Git moves on while no manager runs: the second half is removed,
	// including objects the stopped manager had created.
	second := repo.Commit(t, "half", map[string]string{"dev/cms.yaml": manyConfigMaps(dev, 0, total/2) + "---\n" + dt.ConfigMap("cm-new", dev, "i", "new")})
	g.Consistently(func(g Gomega) {
		g.Expect(getEnv(g, platform, "dev").Status.LastAttemptedRevision).To(Equal(first))
	}).WithTimeout(2*time.Second).Should(Succeed(), "no other manager syncs the shard")

	m.start(t)
	e = waitApplied(t, platform, "dev", second)
	g.Eventually(func(g Gomega) {
		names := configMaps(g, dev, "dev")
		g.Expect(names).To(HaveLen(total/2 + 1))
		g.Expect(names).To(ContainElement("cm-new"))
		for _, n := range names {
			g.Expect(n == "cm-new" || n < fmt.Sprintf("cm-%03d", total/2)).To(BeTrue(), "%s should have been pruned", n)
		}
	}).WithTimeout(30 * time.Second).Should(Succeed())
	ids := inventoryIDs(e)
	g.Expect(ids).To(HaveLen(total/2 + 1))
	seen := map[string]bool{}
	for _, id := range ids {
		g.Expect(seen[id]).To(BeFalse(), "duplicate inventory entry %s", id)
		seen[id] = true
		g.Expect(strings.HasPrefix(id, dev+"_cm-")).To(BeTrue(), id)
	}
	g.Expect(e.Status.History[0].Revision).To(Equal(second))
	g.Expect(e.Status.History[0].Result).To(Equal(landfallv1alpha1.SyncSucceeded))
}
