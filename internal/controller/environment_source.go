package controller

import (
	"context"
	"errors"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/deliveryenv"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// target is where and as whom an environment applies.
type target struct {
	// applier applies as the impersonated ServiceAccount (or the target's
	// own identity when there is none).
	applier *delivery.Applier
	// mapper tells namespaced kinds from cluster-scoped ones, to name
	// objects exactly in the planned inventory.
	mapper meta.RESTMapper
	// serviceAccount is the impersonated account ("" for none).
	serviceAccount string
}

// targetCache keeps an applier per environment and identity, and a REST
// mapper and an apply cache per cluster, so a sync neither rediscovers
// the API nor dry-runs objects it applied unchanged.
type targetCache struct {
	mu       sync.Mutex
	appliers map[string]*delivery.Applier
	clusters map[string]*clusterCache
}

// clusterCache is what the appliers of one cluster share.
type clusterCache struct {
	mapper meta.RESTMapper
	apply  *delivery.ApplyCache
}

// maxCachedTargets bounds the cache; past it the cache starts over.
const maxCachedTargets = 512

func newTargetCache() *targetCache {
	return &targetCache{appliers: map[string]*delivery.Applier{}, clusters: map[string]*clusterCache{}}
}

// get returns the applier and mapper for the keys, building them with
// cfg (the cluster's own identity) and applyCfg (the impersonated one).
func (c *targetCache) get(clusterKey, applierKey string, cfg, applyCfg *rest.Config, opts delivery.ApplierOptions) (*delivery.Applier, meta.RESTMapper, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.appliers) > maxCachedTargets || len(c.clusters) > maxCachedTargets {
		c.appliers, c.clusters = map[string]*delivery.Applier{}, map[string]*clusterCache{}
	}
	cc, ok := c.clusters[clusterKey]
	if !ok {
		hc, err := rest.HTTPClientFor(cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("creating HTTP client: %w", err)
		}
		mapper, err := apiutil.NewDynamicRESTMapper(cfg, hc)
		if err != nil {
			return nil, nil, fmt.Errorf("creating REST mapper: %w", err)
		}
		cc = &clusterCache{mapper: mapper, apply: &delivery.ApplyCache{}}
		c.clusters[clusterKey] = cc
	}
	a, ok := c.appliers[applierKey]
	if !ok {
		opts.Cache = cc.apply
		var err error
		if a, err = delivery.NewApplier(applyCfg, opts); err != nil {
			return nil, nil, fmt.Errorf("creating applier: %w", err)
		}
		c.appliers[applierKey] = a
	}
	return a, cc.mapper, nil
}

// resolveTarget finds the cluster to apply to and the ServiceAccount to
// impersonate: always one for an environment in a tenant's space.
func (r *EnvironmentReconciler) resolveTarget(ctx context.Context, s *envSync) error {
	env := s.env
	ns := namespaceMetadata(env.Namespace)
	if err := r.Get(ctx, types.NamespacedName{Name: env.Namespace}, ns); err != nil {
		return fmt.Errorf("reading namespace %s: %w", env.Namespace, err)
	}
	sa := env.GetServiceAccountName(deliveryenv.IsTenantNamespace(ns.Labels))
	cfg, clusterKey, err := r.clusterConfig(ctx, env)
	if err != nil {
		return err
	}
	applyCfg := cfg
	if sa != "" {
		applyCfg = deliveryenv.Impersonate(cfg, env.Namespace, sa)
	}
	applierKey := clusterKey + "|" + env.Namespace + "/" + env.Name + "|" + sa
	applier, mapper, err := r.targets.get(clusterKey, applierKey, cfg, applyCfg, r.Applier)
	if err != nil {
		return err
	}
	s.target = &target{applier: applier, mapper: mapper, serviceAccount: sa}
	return nil
}

// clusterConfig returns the client configuration of the environment's
// cluster and a key that changes when it does.
func (r *EnvironmentReconciler) clusterConfig(ctx context.Context, env *landfallv1alpha1.Environment) (*rest.Config, string, error) {
	ref := env.Spec.Target.ClusterRef
	if ref == nil {
		return rest.CopyConfig(r.OwnConfig), "own", nil
	}
	c := &landfallv1alpha1.Cluster{}
	if err := r.Get(ctx, types.NamespacedName{Name: ref.Name}, c); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, "", retryError(landfallv1alpha1.CredentialsNotFoundReason, fmt.Errorf("cluster %s not found", ref.Name))
		}
		return nil, "", fmt.Errorf("reading cluster %s: %w", ref.Name, err)
	}
	if c.Spec.InCluster {
		return rest.CopyConfig(r.OwnConfig), "own", nil
	}
	kc := c.Spec.KubeConfig
	if kc == nil {
		return nil, "", stallError(landfallv1alpha1.InvalidSpecReason, fmt.Errorf("cluster %s has no kubeConfig", ref.Name))
	}
	var secret corev1.Secret
	key := types.NamespacedName{Namespace: kc.Namespace, Name: kc.Name}
	if err := r.APIReader.Get(ctx, key, &secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, "", retryError(landfallv1alpha1.CredentialsNotFoundReason, fmt.Errorf("kubeconfig secret of cluster %s not found", ref.Name))
		}
		return nil, "", fmt.Errorf("reading kubeconfig of cluster %s: %w", ref.Name, err)
	}
	cfg, err := fleet.RESTConfigFromKubeconfig(secret.Data[kc.GetKey()])
	if err != nil {
		return nil, "", stallError(landfallv1alpha1.InvalidKubeConfigReason, fmt.Errorf("kubeconfig of cluster %s: %w", ref.Name, err))
	}
	return cfg, "cluster/" + c.Name + "@" + secret.ResourceVersion, nil
}

// fetch fetches the revision to apply: the source's, or, while a rollback
// is in force, the earlier commit it asked for. A new
// landfall.dev/rollback-to value starts a rollback; a new commit on the
// source ends one.
func (r *EnvironmentReconciler) fetch(ctx context.Context, s *envSync) error {
	log := ctrl.LoggerFrom(ctx)
	env := s.env
	src := s.inputs.Source
	co, err := r.Fetcher.Fetch(ctx, src)
	if err != nil {
		return fetchError(err)
	}
	head := co.Revision
	env.Status.LastFetchedRevision = head

	rollback := ""
	if req := env.GetRollbackTo(); req != "" && req != env.Status.LastHandledRollbackTo {
		rev, err := deliveryenv.ResolveRevision(env, landfallv1alpha1.RollbackRevision(req))
		if err != nil {
			_ = co.Close()
			env.Status.LastHandledRollbackTo = req
			return stallError(landfallv1alpha1.InvalidSpecReason, fmt.Errorf("rollback: %w", err))
		}
		rollback = rev
		env.Status.Rollback = &landfallv1alpha1.RollbackStatus{Revision: rev, SourceRevision: head}
		log.Info("rolling back", "revision", rev, "sourceRevision", head)
	} else if rb := env.Status.Rollback; rb != nil {
		if rb.SourceRevision == head {
			rollback = rb.Revision
		} else {
			log.Info("rollback ended by a new revision", "revision", head, "rolledBackTo", rb.Revision)
			env.Status.Rollback = nil
		}
	}
	if rollback != "" && rollback != head {
		_ = co.Close()
		co, err = r.Fetcher.Fetch(ctx, deliveryenv.AtCommit(src, rollback))
		if req := env.GetRollbackTo(); req != env.Status.LastHandledRollbackTo && (err == nil || errors.Is(err, delivery.ErrRevisionNotFound)) {
			// Honoured once: tried, whether the commit exists or not.
			env.Status.LastHandledRollbackTo = req
		}
		if err != nil {
			if errors.Is(err, delivery.ErrRevisionNotFound) {
				env.Status.Rollback = nil
			}
			return fetchError(fmt.Errorf("rollback to %s: %w", deliveryenv.Short(rollback), err))
		}
	} else if rollback != "" {
		env.Status.LastHandledRollbackTo = env.GetRollbackTo()
	}
	s.checkout = co
	s.revision, s.rollback = co.Revision, rollback
	env.Status.LastAttemptedRevision = co.Revision
	return nil
}

// fetchError classifies a fetch failure: wrong credentials, a revision or
// path that does not exist or a repository too large need a change
// (stall, retried at the interval); anything else is retried sooner.
func fetchError(err error) error {
	err = fmt.Errorf("fetching source: %w", err)
	for _, permanent := range []error{delivery.ErrAuthentication, delivery.ErrRevisionNotFound, delivery.ErrInvalidSource, delivery.ErrPathEscapes, delivery.ErrTooLarge} {
		if errors.Is(err, permanent) {
			return stallError(landfallv1alpha1.FetchFailedReason, err)
		}
	}
	return retryError(landfallv1alpha1.FetchFailedReason, err)
}
