package webhook

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// getCachedOrLive reads key from the manager's cache and, when the cache
// does not have it, from the API server. The cache lags the API server by
// its watch: an Account applied together with its first Space (one
// `kubectl apply -f`, a GitOps sync), or a Space read by a second
// replica, can reach a webhook before its own watch event. A hit never
// leaves the process. A miss costs one GET, also when the object does not
// exist at all (a Space for an account that is not there): one read per
// request the API server already admitted to the webhook, under the API
// server's own priority and fairness.
func getCachedOrLive(ctx context.Context, cached, live client.Reader, key client.ObjectKey, obj client.Object) error {
	err := cached.Get(ctx, key, obj)
	if !apierrors.IsNotFound(err) || live == nil {
		return err
	}
	if err := live.Get(ctx, key, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return err
		}
		return fmt.Errorf("reading from the API server after a cache miss: %w", err)
	}
	return nil
}
