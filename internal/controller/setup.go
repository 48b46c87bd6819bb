package controller

import (
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
)

// Options are the knobs of every reconciler, set from the manager's flags.
type Options struct {
	// MaxConcurrentReconciles bounds parallel reconciles per controller,
	// so one slow cluster never holds up the others.
	MaxConcurrentReconciles int
	// ClusterRetry is the backoff for unreachable clusters.
	ClusterRetry Backoff
}

// DefaultOptions are the manager's defaults.
func DefaultOptions() Options {
	return Options{
		MaxConcurrentReconciles: 4,
		ClusterRetry:            Backoff{Initial: 5 * time.Second, Max: 5 * time.Minute},
	}
}

// Setup registers every reconciler with the manager. The list is explicit:
// add new reconcilers here.
func Setup(mgr ctrl.Manager, opts Options) error {
	cluster := &ClusterReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder(ClusterControllerName),
		OwnConfig: mgr.GetConfig(),
	}
	if err := cluster.SetupWithManager(mgr, ClusterReconcilerOptions{
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
		Retry:                   opts.ClusterRetry,
	}); err != nil {
		return fmt.Errorf("setting up cluster reconciler: %w", err)
	}
	if err := SetupTenancy(mgr, TenancyOptions{MaxConcurrentReconciles: opts.MaxConcurrentReconciles}); err != nil {
		return fmt.Errorf("setting up tenancy reconcilers: %w", err)
	}
	return nil
}
