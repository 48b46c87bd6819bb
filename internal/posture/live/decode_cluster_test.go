package live_test

import (
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

// decodeSeed are objects with what the scan's decoder must get right:
// kubectl's copy of the manifest next to other annotations, escapes and
// multi-byte text, numbers, a status, and objects the controllers make.
const decodeSeed = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
  namespace: NS
  labels: {lf-test-decode: "LABEL"}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"ConfigMap","data":{"password":"hunter2"}}'
    team: a
data:
  text: "line 1\nline 2\t\"quoted\" \\ back"
  unicode: "héllo 中文 😀 \u0001"
  empty: ""
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: applied-only
  namespace: NS
  labels: {lf-test-decode: "LABEL"}
  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}'}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: NS, labels: {lf-test-decode: "LABEL"}}
stringData: {password: "s3cr3t"}
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: NS, labels: {lf-test-decode: "LABEL"}}
spec:
  type: LoadBalancer
  selector: {app: decode}
  ports: [{port: 443, targetPort: 8443}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: decode, namespace: NS, labels: {lf-test-decode: "LABEL"}}
spec:
  replicas: 1
  selector: {matchLabels: {app: decode}}
  template:
    metadata: {labels: {app: decode, lf-test-decode: "LABEL"}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
        securityContext: {privileged: true, runAsUser: 0}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: decode-view, namespace: NS, labels: {lf-test-decode: "LABEL"}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: default, namespace: NS}
`

// scanned runs a scan and returns the objects it saw by kind/namespace/
// name, without resourceVersion (a status update between two scans
// changes it).
func scanned(g Gomega, scan func(live.Options) (*live.Result, error), opts live.Options) (map[string]map[string]any, *live.Result) {
	var mu sync.Mutex
	objects := map[string]map[string]any{}
	opts.OnObject = func(o *posture.Object) {
		c := (&unstructured.Unstructured{Object: o.U.Object}).DeepCopy()
		c.SetResourceVersion("")
		mu.Lock()
		objects[o.Ref().String()] = c.Object
		mu.Unlock()
	}
	res, err := scan(opts)
	g.Expect(err).NotTo(HaveOccurred())
	return objects, res
}

func TestScan_ReadsObjectsAsTheDynamicClientDoes(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t)
	label := randomSuffix(t)
	seed(t, decodeSeed, "NS", ns, "LABEL", label)
	cfg := env.AdminConfig(t)
	cfg.QPS, cfg.Burst = 100, 200 // what Scan sets; the dynamic client's default would throttle ScanWith
	reg := registry(t)
	opts := live.Options{Selector: "lf-test-decode=" + label, PageSize: 2, Cluster: "test"}
	viaREST := func(o live.Options) (*live.Result, error) { return live.Scan(t.Context(), cfg, reg, o) }
	viaDynamic := func(o live.Options) (*live.Result, error) {
		return live.ScanWith(t.Context(), dynamic.NewForConfigOrDie(cfg), discovery.NewDiscoveryClientForConfigOrDie(cfg), reg, o)
	}

	var got map[string]map[string]any
	// The Deployment's ReplicaSet and Pod appear, and change, meanwhile.
	g.Eventually(func(g Gomega) {
		var want map[string]map[string]any
		var res, wantRes *live.Result
		got, res = scanned(g, viaREST, opts)
		want, wantRes = scanned(g, viaDynamic, opts)
		refs := slices.Collect(maps.Keys(got))
		g.Expect(refs).To(ContainElements("ConfigMap/"+ns+"/applied", "Secret/"+ns+"/creds", "Deployment/"+ns+"/decode"))
		g.Expect(refs).To(ContainElement(HavePrefix("ReplicaSet/" + ns + "/decode-")))
		g.Expect(refs).To(ContainElement(HavePrefix("Pod/" + ns + "/decode-")))
		g.Expect(got).To(Equal(want))
		g.Expect(res.Findings).To(Equal(wantRes.Findings))
		g.Expect(res.Completeness).To(Equal(wantRes.Completeness))
		g.Expect(res.Objects).To(Equal(wantRes.Objects))
	}).WithTimeout(time.Minute).Should(Succeed())

	cm := got["ConfigMap/"+ns+"/applied"]
	g.Expect(cm).To(HaveKeyWithValue("metadata", HaveKeyWithValue("annotations", Equal(map[string]any{"team": "a"}))))
	g.Expect(cm).To(HaveKeyWithValue("data", Equal(map[string]any{
		"text": "line 1\nline 2\t\"quoted\" \\ back", "unicode": "héllo 中文 😀 \u0001", "empty": "",
	})))
	g.Expect(got["ConfigMap/"+ns+"/applied-only"]).To(HaveKeyWithValue("metadata", HaveKeyWithValue("annotations", BeEmpty())))
	for ref, o := range got {
		g.Expect(o).NotTo(HaveKey("status"), ref)
		g.Expect(o).To(HaveKeyWithValue("metadata", Not(HaveKey("managedFields"))), ref)
	}
	g.Expect(got["Deployment/"+ns+"/decode"]).To(HaveKeyWithValue("spec", HaveKeyWithValue("replicas", int64(1))))
}
