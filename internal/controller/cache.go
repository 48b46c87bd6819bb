package controller

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

// CacheOptions are the cache options the reconcilers expect of their
// manager:
//
//   - namespaced objects cached as metadata only (the cluster-wide caches
//     of pods, ConfigMaps, workloads and Services that the account quota
//     and posture reconcilers watch), and the Services and claims the
//     account quota reconciler caches in full, are kept without their
//     managedFields, most of their size, which no reconciler reads. A
//     Namespace's are kept: the space reconciler reads them
//     (appliedMetadata).
//   - ClusterRoles are cached only when they carry the landfall.dev/account
//     label: the account reconciler watches the per-account ones, and no
//     reconciler reads any other from the cache. A label removed from one
//     then arrives as its delete, and the account puts it back.
func CacheOptions() (cache.Options, error) {
	accountLabelled, err := labels.NewRequirement(tenancy.LabelAccount, selection.Exists, nil)
	if err != nil {
		return cache.Options{}, fmt.Errorf("building the ClusterRole cache selector: %w", err)
	}
	return cache.Options{
		DefaultTransform: stripManagedFields,
		ByObject: map[client.Object]cache.ByObject{
			&rbacv1.ClusterRole{}: {Label: labels.NewSelector().Add(*accountLabelled)},
		},
	}, nil
}

// stripManagedFields drops the managedFields of namespaced metadata-only
// objects, and of the Services and PersistentVolumeClaims the account
// quota reconciler caches in full (usageCanFall), and passes anything
// else unchanged.
func stripManagedFields(obj any) (any, error) {
	switch o := obj.(type) {
	case *metav1.PartialObjectMetadata:
		if o.Namespace != "" {
			o.ManagedFields = nil
		}
	case *corev1.Service:
		o.ManagedFields = nil
	case *corev1.PersistentVolumeClaim:
		o.ManagedFields = nil
	}
	return obj, nil
}
