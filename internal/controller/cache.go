package controller

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// CacheOptions are the cache options the reconcilers expect of their
// manager: namespaced objects cached as metadata only (the cluster-wide
// caches of pods, ConfigMaps, workloads and Services that the account
// quota and posture reconcilers watch) are kept without their
// managedFields, most of their size, which no reconciler reads.
// Cluster-scoped objects keep theirs: the space reconciler reads a
// Namespace's (appliedMetadata), the account reconciler those of its
// ClusterRole and ClusterRoleBinding (foreignManaged).
func CacheOptions() cache.Options {
	return cache.Options{DefaultTransform: stripManagedFields}
}

// stripManagedFields drops the managedFields of namespaced metadata-only
// objects and passes anything else unchanged.
func stripManagedFields(obj any) (any, error) {
	if m, ok := obj.(*metav1.PartialObjectMetadata); ok && m.Namespace != "" {
		m.ManagedFields = nil
	}
	return obj, nil
}
