package rbac

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
)

// RequestError is a request the user asked wrongly: an unknown resource
// or subresource, a name on a URL. Other errors of Resolver.Request are
// failures to ask the server.
type RequestError struct {
	// Msg says what is wrong.
	Msg string
}

func (e *RequestError) Error() string { return e.Msg }

func requestErrorf(format string, args ...any) error {
	return &RequestError{Msg: fmt.Sprintf(format, args...)}
}

// Request is a request resolved from the command line: its attributes and
// whether the resource is namespaced.
type Request struct {
	Attributes
	// Namespaced is true for namespaced resources; false for
	// cluster-scoped resources and non-resource URLs, whose requests
	// never carry a namespace.
	Namespaced bool
}

// virtualResources are resources RBAC knows that discovery does not
// list, as kubectl auth can-i accepts them: the impersonation targets and
// certificate signers.
var virtualResources = map[schema.GroupResource]bool{
	{Resource: "users"}:  true,
	{Resource: "groups"}: true,
	{Group: "authentication.k8s.io", Resource: "uids"}:       true,
	{Group: "authentication.k8s.io", Resource: "userextras"}: true,
	{Group: "certificates.k8s.io", Resource: "signers"}:      true,
}

// Resolver maps resource names as kubectl does: plural, singular and
// short names, optionally qualified by group ("deploy", "deployments.apps",
// "deployments.v1.apps"), through the server's discovery.
type Resolver struct {
	discovery discovery.CachedDiscoveryInterface
	mapper    meta.RESTMapper
}

// NewResolver returns a Resolver over the server's discovery, cached for
// the Resolver's life.
func NewResolver(dc discovery.DiscoveryInterface) *Resolver {
	cached := memory.NewMemCacheClient(dc)
	return &Resolver{
		discovery: cached,
		mapper:    restmapper.NewShortcutExpander(restmapper.NewDeferredDiscoveryRESTMapper(cached), cached, func(string) {}),
	}
}

// Request resolves verb and resource ("pods", "deploy", "pods/exec",
// "deployments.apps/scale", "*", "*.apps", or a non-resource URL starting
// with "/") into a request in the namespace for the object name. The
// namespace is dropped for cluster-scoped resources and URLs. An unknown
// resource or subresource is an error naming it.
func (r *Resolver) Request(verb, resource, name, namespace string) (Request, error) {
	if verb == "" {
		return Request{}, requestErrorf("empty verb")
	}
	if strings.HasPrefix(resource, "/") {
		if name != "" {
			return Request{}, requestErrorf("a name does not apply to the non-resource URL %s", resource)
		}
		return Request{Attributes: Attributes{Verb: verb, Path: resource}}, nil
	}
	arg, sub, _ := strings.Cut(resource, "/")
	if arg == "" {
		return Request{}, requestErrorf("empty resource in %q", resource)
	}
	fully, gr := schema.ParseResourceArg(strings.ToLower(arg))
	a := Attributes{Verb: verb, Name: name, Namespace: namespace, Subresource: sub}
	if gr.Resource == "*" || virtualResources[gr] {
		// Wildcards and virtual resources are taken as written, in every
		// scope, as kubectl does.
		a.APIGroup, a.Resource = gr.Group, gr.Resource
		return Request{Attributes: a, Namespaced: gr.Resource == "*"}, nil
	}
	var gvr schema.GroupVersionResource
	if fully != nil {
		gvr, _ = r.mapper.ResourceFor(*fully)
	}
	if gvr.Empty() {
		var err error
		if gvr, err = r.mapper.ResourceFor(gr.WithVersion("")); err != nil {
			if meta.IsNoMatchError(err) {
				if gr.Group == "" {
					return Request{}, requestErrorf("the server doesn't have a resource type %q", gr.Resource)
				}
				return Request{}, requestErrorf("the server doesn't have a resource type %q in group %q", gr.Resource, gr.Group)
			}
			return Request{}, fmt.Errorf("resolving resource %q: %w", arg, err)
		}
	}
	list, err := r.discovery.ServerResourcesForGroupVersion(gvr.GroupVersion().String())
	if err != nil {
		return Request{}, fmt.Errorf("discovering %s: %w", gvr.GroupVersion(), err)
	}
	namespaced, foundSub := false, sub == ""
	for _, res := range list.APIResources {
		switch res.Name {
		case gvr.Resource:
			namespaced = res.Namespaced
		case gvr.Resource + "/" + sub:
			foundSub = true
		}
	}
	if !foundSub {
		return Request{}, requestErrorf("the server doesn't have a subresource %q of %q", sub, gvr.GroupResource())
	}
	a.APIGroup, a.Resource = gvr.Group, gvr.Resource
	if !namespaced {
		a.Namespace = ""
	}
	return Request{Attributes: a, Namespaced: namespaced}, nil
}
