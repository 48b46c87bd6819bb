package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// appliedMetadata reports whether obj already carries exactly the labels
// and annotations an apply of them by manager would leave: every one is
// set to its value, and manager owns (by Apply) no other label or
// annotation that the apply would remove. A reconciler that re-applies
// the same metadata on every pass can then skip the round trip.
func appliedMetadata(obj metav1.Object, manager string, labels, annotations map[string]string) bool {
	owned, ok := appliedMetadataKeys(obj, manager)
	if !ok {
		return false
	}
	return sameKeysAndValues(owned["f:labels"], labels, obj.GetLabels()) &&
		sameKeysAndValues(owned["f:annotations"], annotations, obj.GetAnnotations())
}

// sameKeysAndValues reports whether the owned keys are those of want and
// have has every value of want.
func sameKeysAndValues(owned map[string]struct{}, want, has map[string]string) bool {
	if len(owned) != len(want) {
		return false
	}
	for k, v := range want {
		if _, ok := owned[k]; !ok {
			return false
		}
		if got, ok := has[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// appliedMetadataKeys returns the label and annotation keys manager owns
// by Apply on obj, by field set ("f:labels", "f:annotations"); false if
// manager has no Apply entry or it cannot be read.
func appliedMetadataKeys(obj metav1.Object, manager string) (map[string]map[string]struct{}, bool) {
	for _, mf := range obj.GetManagedFields() {
		if mf.Manager != manager || mf.Operation != metav1.ManagedFieldsOperationApply || mf.Subresource != "" || mf.FieldsV1 == nil {
			continue
		}
		var fields struct {
			Metadata map[string]map[string]json.RawMessage `json:"f:metadata"`
		}
		if err := json.Unmarshal(mf.FieldsV1.GetRawBytes(), &fields); err != nil {
			return nil, false
		}
		out := map[string]map[string]struct{}{}
		for _, set := range []string{"f:labels", "f:annotations"} {
			out[set] = map[string]struct{}{}
			for k := range fields.Metadata[set] {
				if key, ok := strings.CutPrefix(k, "f:"); ok {
					out[set][key] = struct{}{}
				}
			}
		}
		return out, true
	}
	return nil, false
}
