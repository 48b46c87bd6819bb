package live_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// gvrs maps the kinds the seeds use to their resources.
var gvrs = map[string]schema.GroupVersionResource{
	"Pod":                          {Version: "v1", Resource: "pods"},
	"Service":                      {Version: "v1", Resource: "services"},
	"ServiceAccount":               {Version: "v1", Resource: "serviceaccounts"},
	"ConfigMap":                    {Version: "v1", Resource: "configmaps"},
	"Secret":                       {Version: "v1", Resource: "secrets"},
	"Namespace":                    {Version: "v1", Resource: "namespaces"},
	"LimitRange":                   {Version: "v1", Resource: "limitranges"},
	"ResourceQuota":                {Version: "v1", Resource: "resourcequotas"},
	"Deployment":                   {Group: "apps", Version: "v1", Resource: "deployments"},
	"NetworkPolicy":                {Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"},
	"RoleBinding":                  {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"},
	"ClusterRoleBinding":           {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"},
	"MutatingWebhookConfiguration": {Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"},
}

// seed creates the objects of a multi-document YAML as admin, with "NS"
// and "SUFFIX" replaced, and deletes them when the test ends.
func seed(t *testing.T, manifest string, replace ...string) {
	t.Helper()
	dyn := dynamic.NewForConfigOrDie(env.AdminConfig(t))
	manifest = strings.NewReplacer(replace...).Replace(manifest)
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("decoding seed: %v", err)
		}
		if len(u.Object) == 0 {
			continue
		}
		gvr, ok := gvrs[u.GetKind()]
		if !ok {
			t.Fatalf("seed: no resource for kind %s", u.GetKind())
		}
		var ri dynamic.ResourceInterface = dyn.Resource(gvr)
		if ns := u.GetNamespace(); ns != "" {
			ri = dyn.Resource(gvr).Namespace(ns)
		}
		if _, err := ri.Create(t.Context(), u, metav1.CreateOptions{}); err != nil {
			t.Fatalf("seeding %s %s: %v", u.GetKind(), u.GetName(), err)
		}
		name := u.GetName()
		ctx := context.WithoutCancel(t.Context()) // t.Context is done when cleanups run
		t.Cleanup(func() {
			err := ri.Delete(ctx, name, metav1.DeleteOptions{})
			if err != nil && !apierrors.IsNotFound(err) {
				t.Errorf("deleting seed %s: %v", name, err)
			}
		})
	}
}

// requestLog records the requests a client makes.
type requestLog struct {
	mu   sync.Mutex
	reqs []*http.Request
}

// watch makes cfg's client record its requests in l.
func (l *requestLog) watch(cfg *rest.Config) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			l.mu.Lock()
			l.reqs = append(l.reqs, r)
			l.mu.Unlock()
			return rt.RoundTrip(r)
		})
	})
	return cfg
}

func (l *requestLog) all() []*http.Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*http.Request(nil), l.reqs...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// hardenedPod is a pod spec that no workload check flags.
const hardenedPod = `
      automountServiceAccountToken: false
      serviceAccountName: web
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
        appArmorProfile:
          type: RuntimeDefault
      containers:
      - name: web
        image: registry.example.com/shop/web@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop:
            - ALL
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
          limits:
            cpu: 500m
            memory: 128Mi
`
