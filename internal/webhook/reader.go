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
// replica, can reach a webhook before its own watch event. A miss is
// rare, so the live read costs next to nothing; a hit never leaves the
// process.
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
