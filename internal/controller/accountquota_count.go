package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// countedResources returns the resources whose objects must be counted for
// the limited names: pods for compute and pod counts, services,
// persistent volume claims for storage, and the resource of every
// count/<resource>[.<group>].
func countedResources(hard corev1.ResourceList) []schema.GroupResource {
	set := map[schema.GroupResource]bool{}
	core := func(r string) { set[schema.GroupResource{Resource: r}] = true }
	for name := range hard {
		n := string(name)
		switch {
		case strings.HasPrefix(n, "count/"):
			res, group, _ := strings.Cut(strings.TrimPrefix(n, "count/"), ".")
			set[schema.GroupResource{Group: group, Resource: res}] = true
		case n == "pods" || n == "cpu" || n == "memory" || n == "ephemeral-storage" ||
			strings.HasPrefix(n, "requests.") && n != "requests.storage" || strings.HasPrefix(n, "limits."):
			core("pods")
		case strings.HasPrefix(n, "services"):
			core("services")
		case n == "persistentvolumeclaims" || n == "requests.storage":
			core("persistentvolumeclaims")
		case n == "configmaps" || n == "secrets" || n == "replicationcontrollers":
			core(n)
		}
	}
	out := make([]schema.GroupResource, 0, len(set))
	for gr := range set {
		out = append(out, gr)
	}
	slices.SortFunc(out, func(a, b schema.GroupResource) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// listedObject is one object of a resource, as JSON.
type listedObject struct {
	name string
	raw  []byte
}

// listFull lists the objects of a resource in a namespace, uncached.
func (r *AccountQuotaReconciler) listFull(ctx context.Context, namespace string, gr schema.GroupResource) ([]listedObject, error) {
	gvk, err := r.RESTMapper.KindFor(gr.WithVersion(""))
	if err != nil {
		return nil, fmt.Errorf("finding the kind of %s: %w", gr, err)
	}
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err := r.APIReader.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("listing %s in %s: %w", gr, namespace, err)
	}
	out := make([]listedObject, 0, len(list.Items))
	for i := range list.Items {
		raw, err := json.Marshal(list.Items[i].Object)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s: %w", gr, list.Items[i].GetName(), err)
		}
		out = append(out, listedObject{name: list.Items[i].GetName(), raw: raw})
	}
	return out, nil
}

func resourceZero() *resource.Quantity { return resource.NewQuantity(0, resource.DecimalSI) }

func resourceOne() *resource.Quantity { return resource.NewQuantity(1, resource.DecimalSI) }
