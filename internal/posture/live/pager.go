package live

import (
	"context"
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// pager reads the pages of LISTs.
type pager interface {
	// pages returns the function that reads the pages of one resource,
	// in namespace ns when it is not empty.
	pages(r resource, ns string) pageFunc
}

// pageFunc reads one page and calls add with each object, without the
// fields strip removes; it returns the continue token of the next page.
type pageFunc func(ctx context.Context, lo metav1.ListOptions, add func(map[string]any)) (string, error)

// restPager reads pages as JSON and decodes them with listDecoder.
type restPager struct{ client rest.Interface }

// newRESTPager returns a pager for the cluster cfg points at, with the
// dynamic client's configuration (JSON, and the same errors).
func newRESTPager(cfg *rest.Config) (restPager, error) {
	c := dynamic.ConfigFor(cfg)
	c.AcceptContentTypes = "application/json" // what listDecoder reads, even where the client prefers CBOR
	c.GroupVersion = nil
	c.APIPath = "/"
	rc, err := rest.UnversionedRESTClientFor(c)
	if err != nil {
		return restPager{}, fmt.Errorf("creating REST client: %w", err)
	}
	return restPager{client: rc}, nil
}

func (p restPager) pages(r resource, ns string) pageFunc {
	path := []string{"/api"}
	if r.GVR.Group != "" {
		path = []string{"/apis", r.GVR.Group}
	}
	path = append(path, r.GVR.Version)
	if ns != "" {
		path = append(path, "namespaces", ns)
	}
	path = append(path, r.GVR.Resource)
	dec := newListDecoder()
	return func(ctx context.Context, lo metav1.ListOptions, add func(map[string]any)) (string, error) {
		req := p.client.Get().AbsPath(path...).Param("limit", strconv.FormatInt(lo.Limit, 10))
		for _, kv := range [][2]string{{"continue", lo.Continue}, {"labelSelector", lo.LabelSelector}, {"fieldSelector", lo.FieldSelector}} {
			if kv[1] != "" {
				req.Param(kv[0], kv[1])
			}
		}
		body, err := req.Do(ctx).Raw()
		if err != nil {
			return "", err
		}
		return dec.decode(body, add)
	}
}

// dynamicPager reads pages with a dynamic client (ScanWith).
type dynamicPager struct{ dyn dynamic.Interface }

func (p dynamicPager) pages(r resource, ns string) pageFunc {
	var ri dynamic.ResourceInterface = p.dyn.Resource(r.GVR)
	if ns != "" {
		ri = p.dyn.Resource(r.GVR).Namespace(ns)
	}
	return func(ctx context.Context, lo metav1.ListOptions, add func(map[string]any)) (string, error) {
		page, err := ri.List(ctx, lo)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			strip(&page.Items[i])
			add(page.Items[i].Object)
		}
		return page.GetContinue(), nil
	}
}

// lastApplied is the annotation kubectl apply keeps a copy of the whole
// manifest in, Secret data included.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// strip removes what no check reads and what only bloats memory: managed
// fields, status and kubectl's copy of the manifest.
func strip(u *unstructured.Unstructured) {
	unstructured.RemoveNestedField(u.Object, "metadata", "managedFields")
	unstructured.RemoveNestedField(u.Object, "status")
	if a := u.GetAnnotations(); a != nil {
		if _, ok := a[lastApplied]; ok {
			delete(a, lastApplied)
			u.SetAnnotations(a)
		}
	}
}
