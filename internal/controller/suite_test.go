package controller

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/landfall-dev/landfall/config/crd"
	"github.com/landfall-dev/landfall/internal/localcluster"
)

// suite is the package's control plane (the hub the manager runs against)
// and the manager running the reconcilers in-process, started once by
// TestMain like Flux's envtest suites.
var suite struct {
	hub    *localcluster.Cluster
	client client.Client
	skip   string
}

// testRetry is the backoff of the in-process manager: short, so the tests
// see recoveries quickly.
var testRetry = Backoff{Initial: 200 * time.Millisecond, Max: 2 * time.Second}

func TestMain(m *testing.M) { os.Exit(runSuite(m)) }

func runSuite(m *testing.M) int {
	if _, err := localcluster.FindBinaries("", true); err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
			return 1
		}
		suite.skip = err.Error()
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	hub, err := localcluster.Start(ctx, localcluster.Options{Nodes: 2, Zones: []string{"hub-a", "hub-b"}, FastStorage: true, Users: localcluster.SampleUsers})
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: starting hub control plane: %v\n", err)
		return 1
	}
	defer func() {
		if err := hub.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping hub: %v\n", err)
		}
	}()
	if _, err := crd.Install(ctx, hub.AdminConfig(), time.Minute); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: installing CRDs: %v\n", err)
		return 1
	}

	log := logr.Discard()
	if os.Getenv("LANDFALL_TEST_LOG") != "" {
		log = funcr.New(func(prefix, args string) { fmt.Fprintln(os.Stderr, prefix, args) }, funcr.Options{Verbosity: 1})
	}
	ctrl.SetLogger(log)
	cacheOpts, err := CacheOptions()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: cache options: %v\n", err)
		return 1
	}
	mgr, err := ctrl.NewManager(hub.AdminConfig(), ctrl.Options{
		Scheme:                 newScheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Logger:                 log,
		Cache:                  cacheOpts,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: creating manager: %v\n", err)
		return 1
	}
	gitCache, err := os.MkdirTemp("", "landfall-controller-git-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		return 1
	}
	defer os.RemoveAll(gitCache)
	delivery := DeliveryOptions{CacheDir: gitCache, RetryInterval: time.Second, AllowLocalSources: true}
	if err := Setup(mgr, Options{MaxConcurrentReconciles: 4, ClusterRetry: testRetry, Delivery: delivery}); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		return 1
	}
	mgrCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mgrCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			fmt.Fprintf(os.Stderr, "manager: %v\n", err)
		}
	}()

	suite.hub = hub
	suite.client, err = client.New(hub.AdminConfig(), client.Options{Scheme: newScheme()})
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: creating client: %v\n", err)
		return 1
	}
	return m.Run()
}

// requireSuite skips the test when the control plane could not be started
// (binaries missing outside CI).
func requireSuite(t *testing.T) {
	t.Helper()
	if suite.hub == nil {
		t.Skipf("no local control plane: %s", suite.skip)
	}
}
