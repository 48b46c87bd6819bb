package delivery_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.Run(m, testenv.Options{Nodes: 1}, &env))
}

// objs decodes a YAML stream into objects.
func objs(t *testing.T, docs ...string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, doc := range docs {
		for part := range strings.SplitSeq(doc, "\n---\n") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			m := map[string]any{}
			if err := yaml.Unmarshal([]byte(part), &m); err != nil {
				t.Fatalf("decoding %q: %v", part, err)
			}
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
	return out
}

func suffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func deployment(name, ns string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  namespace: %s
spec:
  replicas: 1
  selector:
    matchLabels: {app: %s}
  template:
    metadata:
      labels: {app: %s}
    spec:
      containers:
      - name: app
        image: registry.example.com/app:1.0
`, name, ns, name, name)
}

// countingConfig counts the requests made with cfg, by method.
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *requestCounter) wrap(cfg *rest.Config) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			c.mu.Lock()
			if c.counts == nil {
				c.counts = map[string]int{}
			}
			verb := r.Method
			if r.URL.Query().Get("dryRun") != "" {
				verb += "-dryrun"
			}
			c.counts[verb]++
			c.mu.Unlock()
			return rt.RoundTrip(r)
		})
	}
	return cfg
}

func (c *requestCounter) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.counts
	c.counts = map[string]int{}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func actions(changes []delivery.Change) map[string]delivery.Action {
	out := map[string]delivery.Action{}
	for _, c := range changes {
		out[c.Object.String()] = c.Action
	}
	return out
}

func TestApplyStagesWaitsAndResyncsWithoutWriting(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := "apply-" + suffix()
	group := "g" + suffix() + ".example.landfall.dev"
	admin := env.Admin(t)
	t.Cleanup(func() { _ = admin.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	set := objs(t, fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.%[1]s
spec:
  group: %[1]s
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
---
apiVersion: %[1]s/v1
kind: Widget
metadata: {name: w1, namespace: %[2]s}
spec: {size: 3}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
---
apiVersion: v1
kind: Namespace
metadata: {name: %[2]s}
`, group, ns), deployment("web", ns))

	counter := &requestCounter{}
	a, err := delivery.NewApplier(counter.wrap(env.AdminConfig(t)), delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	res, err := a.Apply(ctx, set, delivery.Inventory{}, delivery.ApplyOptions{DefaultNamespace: ns, Wait: true, Timeout: 2 * time.Minute})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(actions(res.Changes)).To(Equal(map[string]delivery.Action{
		"CustomResourceDefinition/widgets." + group: delivery.ActionCreate,
		"Namespace/" + ns:               delivery.ActionCreate,
		"Widget/" + ns + "/w1":          delivery.ActionCreate,
		"ConfigMap/" + ns + "/settings": delivery.ActionCreate,
		"Deployment/" + ns + "/web":     delivery.ActionCreate,
	}), "a CRD and its custom resource, a Namespace and objects in it apply in one go")
	g.Expect(res.Changes[0].Object.Kind).To(BeElementOf("CustomResourceDefinition", "Namespace"), "definitions come first")
	g.Expect(res.Health).NotTo(BeNil())
	g.Expect(res.Health.Healthy).To(BeTrue(), "the Deployment becomes available on the simulated node")
	g.Expect(res.Inventory.Entries).To(ContainElement(delivery.InventoryEntry{ID: ns + "_web_apps_Deployment", Version: "v1"}))
	g.Expect(res.Inventory.Entries).To(HaveLen(5))
	cm, err := admin.CoreV1().ConfigMaps(ns).Get(ctx, "settings", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred(), "the default namespace is set on namespaced objects without one")
	rv := cm.ResourceVersion
	g.Expect(set[2].GetNamespace()).To(BeEmpty(), "Apply does not change the caller's objects")

	counter.reset()
	res, err = a.Apply(ctx, set, res.Inventory, delivery.ApplyOptions{DefaultNamespace: ns, Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	for _, c := range res.Changes {
		g.Expect(c.Action).To(Equal(delivery.ActionUnchanged), c.Object.String())
	}
	requests := counter.reset()
	g.Expect(requests).NotTo(HaveKey("PATCH"), "a no-op resync writes nothing")
	g.Expect(requests["PATCH-dryrun"]).To(BeNumerically("<=", 1), "it dry-runs at most the Deployment, whose controller annotated it")
	_, err = a.Apply(ctx, set, res.Inventory, delivery.ApplyOptions{DefaultNamespace: ns, Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	requests = counter.reset()
	g.Expect(requests).To(Equal(map[string]int{"GET": 5}), "then a no-op resync is one metadata list per kind and namespace: status updates do not count as changes")
	cm, err = admin.CoreV1().ConfigMaps(ns).Get(ctx, "settings", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cm.ResourceVersion).To(Equal(rv))

	// A fresh Applier (a restarted manager) has no cache: it dry-runs, and
	// still writes nothing.
	fresh, err := delivery.NewApplier(counter.wrap(env.AdminConfig(t)), delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	res, err = fresh.Apply(ctx, set, res.Inventory, delivery.ApplyOptions{DefaultNamespace: ns, Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	for _, c := range res.Changes {
		g.Expect(c.Action).To(Equal(delivery.ActionUnchanged), c.Object.String())
	}
	g.Expect(counter.reset()).NotTo(HaveKey("PATCH"))
}

func TestPruneRemovesWhatGitDroppedAndNothingElse(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.Namespace(t)
	admin := env.Admin(t)
	a, err := delivery.NewApplier(env.AdminConfig(t), delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	keep := cm("keep", ns)
	kept := strings.Replace(cm("kept-by-annotation", ns), "metadata:\n", "metadata:\n  annotations: {landfall.dev/prune: disabled}\n", 1)
	v1 := objs(t, keep, kept, deployment("api", ns), deployment("worker", ns))

	res, err := a.Apply(ctx, v1, delivery.Inventory{}, delivery.ApplyOptions{Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	inv := res.Inventory

	// Objects Landfall never applied, in the same namespace and of the
	// same kinds: one not in the inventory at all, one in the inventory
	// but taken over by another manager.
	_, err = admin.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "hand-made"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = admin.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "someone-elses"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	inv = delivery.Merge(inv, delivery.Inventory{Entries: []delivery.InventoryEntry{{ID: ns + "_someone-elses__ConfigMap", Version: "v1"}}})

	// The next revision drops the worker Deployment and the annotated
	// ConfigMap.
	v2 := objs(t, keep, deployment("api", ns))
	res, err = a.Apply(ctx, v2, inv, delivery.ApplyOptions{Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(actions(res.Changes)).To(Equal(map[string]delivery.Action{
		"ConfigMap/" + ns + "/keep":               delivery.ActionUnchanged,
		"Deployment/" + ns + "/api":               delivery.ActionUnchanged,
		"Deployment/" + ns + "/worker":            delivery.ActionDelete,
		"ConfigMap/" + ns + "/kept-by-annotation": delivery.ActionSkip,
		"ConfigMap/" + ns + "/someone-elses":      delivery.ActionSkip,
	}))
	_, err = admin.AppsV1().Deployments(ns).Get(ctx, "worker", metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err) || isTerminating(ctx, admin, ns, "worker")).To(BeTrue(), "the Deployment removed from Git is pruned")
	for _, name := range []string{"hand-made", "someone-elses", "kept-by-annotation", "keep"} {
		_, err := admin.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred(), "ConfigMap %s must survive", name)
	}
	g.Expect(res.Inventory.Entries).To(HaveLen(2), "pruned and skipped objects leave the inventory")
}

func isTerminating(ctx context.Context, cs kubernetes.Interface, ns, name string) bool {
	d, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	return err == nil && d.DeletionTimestamp != nil
}

func TestApplyAsATenantFailsOnExactlyTheForbiddenObjects(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	own := env.Namespace(t)
	other := env.Namespace(t)
	admin := env.Admin(t)
	_, err := admin.CoreV1().ServiceAccounts(own).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "deployer"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = admin.RbacV1().RoleBindings(own).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "deployer-admin"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "deployer", Namespace: own}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	env.WaitAllowed(t, "system:serviceaccount:"+own+":deployer", authorizationv1.ResourceAttributes{Verb: "create", Resource: "configmaps", Namespace: own})

	cfg := env.AdminConfig(t)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + own + ":deployer"}
	a, err := delivery.NewApplier(cfg, delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	crb := "crb-" + suffix()
	set := objs(t, cm("mine", own), cm("theirs", other), deployment("web", own), fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: %s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: %s}
`, crb, own))

	res, err := a.Apply(ctx, set, delivery.Inventory{}, delivery.ApplyOptions{Prune: true})
	g.Expect(err).To(HaveOccurred())
	g.Expect(actions(res.Changes)).To(Equal(map[string]delivery.Action{
		"ConfigMap/" + own + "/mine":     delivery.ActionCreate,
		"Deployment/" + own + "/web":     delivery.ActionCreate,
		"ConfigMap/" + other + "/theirs": delivery.ActionFail,
		"ClusterRoleBinding/" + crb:      delivery.ActionFail,
	}))
	var failed []string
	for _, e := range unwrapAll(err) {
		var oe *delivery.ObjectError
		if errors.As(e, &oe) {
			g.Expect(apierrors.IsForbidden(oe.Err)).To(BeTrue(), "the API server's 403: %v", oe.Err)
			failed = append(failed, oe.Object.String())
		}
	}
	g.Expect(failed).To(ConsistOf("ConfigMap/"+other+"/theirs", "ClusterRoleBinding/"+crb))
	g.Expect(err.Error()).To(ContainSubstring("ClusterRoleBinding/" + crb + ": "))
	_, err = admin.RbacV1().ClusterRoleBindings().Get(ctx, crb, metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
	_, err = admin.CoreV1().ConfigMaps(other).Get(ctx, "theirs", metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
	g.Expect(res.Inventory.Entries).To(HaveLen(2), "the inventory holds what was applied")

	// The Landfall-side namespace list refuses without asking the server.
	res, err = a.Apply(ctx, objs(t, cm("theirs", other)), delivery.Inventory{}, delivery.ApplyOptions{Namespaces: []string{own}})
	g.Expect(err).To(MatchError(ContainSubstring("not one of the environment's target namespaces")))
	g.Expect(res.Changes).To(HaveLen(1))
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestDiffReportsDriftAndApplyUndoesIt(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.Namespace(t)
	admin := env.Admin(t)
	a, err := delivery.NewApplier(env.AdminConfig(t), delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	set := objs(t, cm("settings", ns), fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: %s}
stringData: {password: git-value-123}
`, ns), deployment("web", ns))
	res, err := a.Apply(ctx, set, delivery.Inventory{}, delivery.ApplyOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	inv := res.Inventory

	changes, err := a.Diff(ctx, set, inv, delivery.ApplyOptions{Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	for _, c := range changes {
		g.Expect(c.Action).To(Equal(delivery.ActionUnchanged), "no drift right after applying: %s", c.Object)
	}

	// Hand edits: a changed ConfigMap value, a scaled Deployment, a
	// changed Secret.
	c, err := admin.CoreV1().ConfigMaps(ns).Get(ctx, "settings", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	c.Data["k"] = "edited-by-hand"
	_, err = admin.CoreV1().ConfigMaps(ns).Update(ctx, c, metav1.UpdateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	s, err := admin.CoreV1().Secrets(ns).Get(ctx, "creds", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	s.Data["password"] = []byte("hand-value-456")
	_, err = admin.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	// A patch, not a read and an update: the deployment controller writes
	// the Deployment's status in between, and the update would conflict.
	_, err = admin.AppsV1().Deployments(ns).Patch(ctx, "web", types.MergePatchType, []byte(`{"spec":{"replicas":5}}`), metav1.PatchOptions{}, "scale")
	g.Expect(err).NotTo(HaveOccurred())

	changes, err = a.Diff(ctx, set, inv, delivery.ApplyOptions{Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	byObj := map[string]delivery.Change{}
	for _, c := range changes {
		byObj[c.Object.String()] = c
	}
	g.Expect(byObj["ConfigMap/"+ns+"/settings"].Action).To(Equal(delivery.ActionUpdate))
	g.Expect(byObj["ConfigMap/"+ns+"/settings"].Diff).To(SatisfyAll(ContainSubstring("-  k: edited-by-hand"), ContainSubstring("+  k: v")))
	g.Expect(byObj["Deployment/"+ns+"/web"].Action).To(Equal(delivery.ActionUpdate))
	g.Expect(byObj["Deployment/"+ns+"/web"].Diff).To(SatisfyAll(ContainSubstring("-  replicas: 5"), ContainSubstring("+  replicas: 1")))
	secret := byObj["Secret/"+ns+"/creds"]
	g.Expect(secret.Action).To(Equal(delivery.ActionUpdate))
	g.Expect(secret.Diff).To(ContainSubstring("*** (before)"))
	for _, plain := range []string{"git-value-123", "hand-value-456", "Z2l0LXZhbHVlLTEyMw", "aGFuZC12YWx1ZS00NTY"} {
		g.Expect(secret.Diff).NotTo(ContainSubstring(plain), "Secret values never show in a diff")
	}

	// Self-heal: applying the same revision undoes the edits.
	res, err = a.Apply(ctx, set, inv, delivery.ApplyOptions{Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(actions(res.Changes)).To(HaveKeyWithValue("ConfigMap/"+ns+"/settings", delivery.ActionUpdate))
	c, err = admin.CoreV1().ConfigMaps(ns).Get(ctx, "settings", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c.Data["k"]).To(Equal("v"))
	changes, err = a.Diff(ctx, set, inv, delivery.ApplyOptions{Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	for _, c := range changes {
		g.Expect(c.Action).To(Equal(delivery.ActionUnchanged), c.Object.String())
	}

	// A Diff of a revision that drops the Deployment shows its deletion.
	changes, err = a.Diff(ctx, set[:2], inv, delivery.ApplyOptions{Prune: true})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(actions(changes)).To(HaveKeyWithValue("Deployment/"+ns+"/web", delivery.ActionDelete))
	_, err = admin.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred(), "Diff deletes nothing")
}

func TestApplyForceRecreatesOnImmutableChange(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.Namespace(t)
	a, err := delivery.NewApplier(env.AdminConfig(t), delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	immutable := func(v string) []*unstructured.Unstructured {
		return objs(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen, namespace: %s}\nimmutable: true\ndata: {v: %q}\n", ns, v))
	}
	_, err = a.Apply(ctx, immutable("1"), delivery.Inventory{}, delivery.ApplyOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	res, err := a.Apply(ctx, immutable("2"), delivery.Inventory{}, delivery.ApplyOptions{})
	g.Expect(err).To(MatchError(ContainSubstring("ConfigMap/" + ns + "/frozen: ")))
	g.Expect(res.Changes[0].Action).To(Equal(delivery.ActionFail))

	res, err = a.Apply(ctx, immutable("2"), delivery.Inventory{}, delivery.ApplyOptions{Force: true})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Changes[0].Action).To(Equal(delivery.ActionUpdate))
	got, err := env.Admin(t).CoreV1().ConfigMaps(ns).Get(ctx, "frozen", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(got.Data["v"]).To(Equal("2"))
}

func TestApplyReportsUnknownKindsAndMissingNamespaces(t *testing.T) {
	g := NewWithT(t)
	a, err := delivery.NewApplier(env.AdminConfig(t), delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	res, err := a.Apply(t.Context(), objs(t,
		"apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, namespace: default}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: no-namespace}\n",
	), delivery.Inventory{}, delivery.ApplyOptions{})
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(SatisfyAll(
		ContainSubstring("Gadget/default/g: the cluster does not serve example.com/v1, Kind=Gadget"),
		ContainSubstring("ConfigMap/no-namespace: namespaced object without a namespace"),
	))
	g.Expect(res.Inventory.Entries).To(BeEmpty())
}

func TestAnInterruptedApplyConvergesAndLosesNothing(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t)
	admin := env.Admin(t)
	var docs []string
	for i := range 20 {
		docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%02d}\ndata: {i: %q}\n", i, fmt.Sprint(i)))
	}
	set := objs(t, docs...)
	opts := delivery.ApplyOptions{DefaultNamespace: ns, Prune: true}

	// The "manager" dies once five writes are done, cm-00's among them
	// (counted when their responses are in; dry runs write nothing).
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var mu sync.Mutex
	writes, first := 0, false
	cfg := rest.CopyConfig(env.AdminConfig(t))
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if r.Method == http.MethodPatch && r.URL.Query().Get("dryRun") == "" && err == nil && resp.StatusCode < 300 {
				mu.Lock()
				writes++
				first = first || strings.HasSuffix(r.URL.Path, "/cm-00")
				if writes >= 5 && first {
					cancel()
				}
				mu.Unlock()
			}
			return resp, err
		})
	}
	dying, err := delivery.NewApplier(cfg, delivery.ApplierOptions{Concurrency: 2})
	g.Expect(err).NotTo(HaveOccurred())
	stored := dying.PlannedInventory(set, opts) // stored in status before applying
	g.Expect(stored.Entries).To(HaveLen(20))
	g.Expect(stored.Entries[0].ID).To(Equal(ns + "_cm-00__ConfigMap"))
	_, err = dying.Apply(ctx, set, delivery.Inventory{}, opts)
	g.Expect(err).To(HaveOccurred(), "the apply was interrupted")
	g.Expect(len(setNames(t, admin, ns))).To(BeNumerically("<", 20), "only part of the set was written")

	// The restarted manager applies the next revision, which dropped
	// cm-00 (written before the crash, but in no inventory the dying
	// manager returned), from the stored inventory.
	restarted, err := delivery.NewApplier(env.AdminConfig(t), delivery.ApplierOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "cm-00", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	res, err := restarted.Apply(t.Context(), set[1:], stored, opts)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Inventory.Entries).To(HaveLen(19))
	names := setNames(t, admin, ns)
	g.Expect(names).To(HaveLen(19), "19 applied once each")
	g.Expect(names).NotTo(ContainElement("cm-00"), "an object the interrupted sync created is still pruned")
}

// setNames lists the ConfigMaps of the set (cm-NN) in ns: not the
// kube-root-ca.crt the controller manager publishes when it gets to it.
func setNames(t *testing.T, cs kubernetes.Interface, ns string) []string {
	t.Helper()
	list, err := cs.CoreV1().ConfigMaps(ns).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("listing config maps: %v", err)
	}
	var names []string
	for _, c := range list.Items {
		if strings.HasPrefix(c.Name, "cm-") {
			names = append(names, c.Name)
		}
	}
	return names
}
