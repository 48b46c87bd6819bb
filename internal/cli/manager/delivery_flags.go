package manager

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/delivery"
)

// deliveryOptions are the flags of the Environment and Promotion
// reconcilers (GitOps delivery).
type deliveryOptions struct {
	cacheDir      string
	allowLocal    bool
	retryInterval time.Duration
	shard         string
	concurrency   int
}

// BindFlags registers the delivery flags.
func (o *deliveryOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.cacheDir, "delivery-cache-dir", "", "`DIR` caching the Git repositories of environments (default: landfall-delivery under the system's temporary directory)")
	fs.BoolVar(&o.allowLocal, "delivery-allow-local-sources", false, "let environments sync local paths and file:// URLs from the manager's own disk (demos and tests only, never where tenants create environments)")
	fs.DurationVar(&o.retryInterval, "delivery-retry-interval", 30*time.Second, "delay before a failed sync is retried (at most the environment's interval)")
	fs.StringVar(&o.shard, "delivery-shard", "", "handle only the environments and promotions labelled landfall.dev/shard=`KEY` (default: those without the label)")
	fs.IntVar(&o.concurrency, "delivery-apply-concurrency", delivery.DefaultConcurrency, "objects one sync applies at once")
}

// options returns the reconcilers' options.
func (o *deliveryOptions) options() controller.DeliveryOptions {
	return controller.DeliveryOptions{
		CacheDir:          o.cacheDir,
		AllowLocalSources: o.allowLocal,
		RetryInterval:     o.retryInterval,
		ShardKey:          o.shard,
		Applier:           delivery.ApplierOptions{Concurrency: o.concurrency},
	}
}
