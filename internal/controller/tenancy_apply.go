package controller

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

// applyTyped server-side applies a typed object (with TypeMeta set) as
// Landfall's field manager, taking over conflicting fields. Our own CRDs
// have no generated apply configurations, so the object is converted to
// an unstructured one.
func applyTyped(ctx context.Context, c client.Client, obj client.Object) error {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return fmt.Errorf("converting %T: %w", obj, err)
	}
	u := &unstructured.Unstructured{Object: content}
	unstructured.RemoveNestedField(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	return applyUnstructured(ctx, c, u)
}

// applyUnstructured server-side applies an object as Landfall's field
// manager, taking over conflicting fields (drift is reverted).
func applyUnstructured(ctx context.Context, c client.Client, u *unstructured.Unstructured) error {
	return c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(tenancy.FieldManager), client.ForceOwnership)
}
