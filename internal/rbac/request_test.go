package rbac

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"
)

func fakeResolver() *Resolver {
	return NewResolver(&fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{Resources: []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "pods", SingularName: "pod", Kind: "Pod", Namespaced: true, ShortNames: []string{"po"}, Verbs: []string{"get", "list"}},
			{Name: "pods/exec", Kind: "PodExecOptions", Namespaced: true},
			{Name: "pods/log", Kind: "Pod", Namespaced: true},
			{Name: "nodes", SingularName: "node", Kind: "Node", ShortNames: []string{"no"}, Verbs: []string{"get", "list"}},
			{Name: "nodes/proxy", Kind: "NodeProxyOptions"},
			{Name: "secrets", SingularName: "secret", Kind: "Secret", Namespaced: true, Verbs: []string{"get", "list"}},
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			{Name: "deployments", SingularName: "deployment", Kind: "Deployment", Namespaced: true, ShortNames: []string{"deploy"}, Verbs: []string{"get", "list"}},
			{Name: "deployments/scale", Kind: "Scale", Namespaced: true},
		}},
	}}})
}

func TestResolver(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		verb, resource, name, namespace string
		want                            Request
		err                             string
	}{
		"plural": {verb: "list", resource: "pods", namespace: "ns",
			want: Request{Attributes{Verb: "list", Resource: "pods", Namespace: "ns"}, true}},
		"short name": {verb: "get", resource: "po", name: "x", namespace: "ns",
			want: Request{Attributes{Verb: "get", Resource: "pods", Name: "x", Namespace: "ns"}, true}},
		"singular, other group": {verb: "create", resource: "deployment", namespace: "ns",
			want: Request{Attributes{Verb: "create", APIGroup: "apps", Resource: "deployments", Namespace: "ns"}, true}},
		"group-qualified with subresource": {verb: "update", resource: "deployments.apps/scale", namespace: "ns",
			want: Request{Attributes{Verb: "update", APIGroup: "apps", Resource: "deployments", Subresource: "scale", Namespace: "ns"}, true}},
		"fully qualified": {verb: "get", resource: "deploy.v1.apps",
			want: Request{Attributes{Verb: "get", APIGroup: "apps", Resource: "deployments"}, true}},
		"subresource": {verb: "create", resource: "pods/exec", namespace: "ns",
			want: Request{Attributes{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "ns"}, true}},
		"cluster-scoped drops the namespace": {verb: "get", resource: "nodes/proxy", namespace: "ns",
			want: Request{Attributes{Verb: "get", Resource: "nodes", Subresource: "proxy"}, false}},
		"non-resource URL": {verb: "get", resource: "/healthz", namespace: "ns",
			want: Request{Attributes{Verb: "get", Path: "/healthz"}, false}},
		"wildcard": {verb: "delete", resource: "*", namespace: "ns",
			want: Request{Attributes{Verb: "delete", Resource: "*", Namespace: "ns"}, true}},
		"wildcard of a group": {verb: "delete", resource: "*.apps",
			want: Request{Attributes{Verb: "delete", APIGroup: "apps", Resource: "*"}, true}},
		"virtual resource": {verb: "impersonate", resource: "users",
			want: Request{Attributes{Verb: "impersonate", Resource: "users"}, false}},
		"unknown resource":    {verb: "get", resource: "widgets", err: `the server doesn't have a resource type "widgets"`},
		"unknown in group":    {verb: "get", resource: "widgets.example.com", err: `the server doesn't have a resource type "widgets" in group "example.com"`},
		"unknown subresource": {verb: "get", resource: "pods/shell", err: `the server doesn't have a subresource "shell" of "pods"`},
		"name on a URL":       {verb: "get", resource: "/healthz", name: "x", err: "a name does not apply to the non-resource URL /healthz"},
		"empty resource":      {verb: "get", resource: "/", want: Request{Attributes{Verb: "get", Path: "/"}, false}},
		"empty verb":          {resource: "pods", err: "empty verb"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			got, err := fakeResolver().Request(tc.verb, tc.resource, tc.name, tc.namespace)
			if tc.err != "" {
				g.Expect(err).To(MatchError(tc.err))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tc.want))
		})
	}
}
