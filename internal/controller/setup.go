package controller

import (
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// Options are the knobs of every reconciler, set from the manager's flags.
type Options struct {
	// MaxConcurrentReconciles bounds parallel reconciles per controller,
	// so one slow cluster never holds up the others.
	MaxConcurrentReconciles int
	// ClusterRetry is the backoff for unreachable clusters.
	ClusterRetry Backoff
	// PostureScanInterval, when positive, makes the manager create the
	// PostureReport "cluster" with this interval if there is none; 0
	// creates none (a report made by hand is still reconciled).
	PostureScanInterval time.Duration
	// QuotaRecountInterval is how often every AccountQuota is recounted
	// in full; see TenancyOptions.
	QuotaRecountInterval time.Duration
	// Delivery configures the Environment and Promotion reconcilers;
	// its MaxConcurrentReconciles defaults to MaxConcurrentReconciles.
	Delivery DeliveryOptions
}

// DefaultOptions are the manager's defaults.
func DefaultOptions() Options {
	return Options{
		MaxConcurrentReconciles: 4,
		ClusterRetry:            Backoff{Initial: 5 * time.Second, Max: 5 * time.Minute},
		PostureScanInterval:     landfallv1alpha1.DefaultPostureInterval,
		QuotaRecountInterval:    DefaultQuotaRecountInterval,
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
	if err := SetupTenancy(mgr, TenancyOptions{MaxConcurrentReconciles: opts.MaxConcurrentReconciles, QuotaRecountInterval: opts.QuotaRecountInterval}); err != nil {
		return fmt.Errorf("setting up tenancy reconcilers: %w", err)
	}
	posture := &PostureReportReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder(PostureReportControllerName),
		OwnConfig: mgr.GetConfig(),
	}
	if err := posture.SetupWithManager(mgr, PostureReportReconcilerOptions{DefaultInterval: opts.PostureScanInterval}); err != nil {
		return fmt.Errorf("setting up posture report reconciler: %w", err)
	}
	delivery := opts.Delivery
	if delivery.MaxConcurrentReconciles == 0 {
		delivery.MaxConcurrentReconciles = opts.MaxConcurrentReconciles
	}
	if err := SetupDelivery(mgr, delivery); err != nil {
		return fmt.Errorf("setting up delivery reconcilers: %w", err)
	}
	return nil
}
