package supplychain

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
)

// deployment builds a Deployment with one container running image.
func deployment(image string) *posture.Object {
	return &posture.Object{U: &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": "app", "namespace": "ns"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "app", "image": image}},
		}}},
	}}}
}
