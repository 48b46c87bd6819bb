package webhooktest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/landfall-dev/landfall/config/crd"
	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/testenv"
)

// Delivery runs the Environment and Promotion reconcilers in-process
// against a package's test cluster, started once by the first test that
// needs it, for the tests of `landfall env` and `landfall promote`. It
// runs as cluster admin: the environments impersonate their
// ServiceAccounts all the same, and the manager's least privilege is
// tested in internal/controller. Local repository paths are allowed (the
// tests' repositories are local bare repositories).
type Delivery struct {
	// Env points at the package's test cluster variable, which
	// testenv.Run sets in TestMain.
	Env **testenv.Env

	once sync.Once
	err  error
}

// Start starts the reconcilers on the first call; they run until the
// test binary exits.
func (d *Delivery) Start(t testing.TB) {
	t.Helper()
	cfg, cache := (*d.Env).AdminConfig(t), (*d.Env).Dir(t, "delivery-cache")
	d.once.Do(func() { d.err = startDelivery(cfg, cache) })
	if d.err != nil {
		t.Fatalf("starting delivery manager: %v", d.err)
	}
}

// startDelivery installs the CRDs and runs a manager with the delivery
// reconcilers in the background, with their git cache in cache.
func startDelivery(cfg *rest.Config, cache string) error {
	ctx := context.Background()
	if _, err := crd.Install(ctx, cfg, time.Minute); err != nil {
		return fmt.Errorf("installing CRDs: %w", err)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 Scheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return fmt.Errorf("creating manager: %w", err)
	}
	if err := controller.SetupDelivery(mgr, controller.DeliveryOptions{
		CacheDir: cache, RetryInterval: time.Second, AllowLocalSources: true, MaxConcurrentReconciles: 2,
	}); err != nil {
		return fmt.Errorf("setting up delivery: %w", err)
	}
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "delivery manager: %v\n", err)
		}
	}()
	return nil
}
