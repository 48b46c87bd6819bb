package live_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

// risky are the Kubernetes Goat and badPods shapes the scan must find.
const risky = `
apiVersion: v1
kind: Pod
metadata: {name: privileged, namespace: NS}
spec:
  containers:
  - {name: shell, image: busybox:1.36, securityContext: {privileged: true}}
---
apiVersion: v1
kind: Pod
metadata: {name: docker-sock, namespace: NS}
spec:
  containers:
  - name: shell
    image: busybox:1.36
    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
  volumes:
  - {name: sock, hostPath: {path: /var/run/docker.sock}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: admin-sa, namespace: NS}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: lf-test-admin-SUFFIX}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: admin-sa, namespace: NS}
---
apiVersion: v1
kind: Pod
metadata: {name: public-app, namespace: NS, labels: {app: public-app}}
spec:
  serviceAccountName: admin-sa
  containers:
  - {name: app, image: nginx:1.27}
---
apiVersion: v1
kind: Service
metadata: {name: public-app, namespace: NS}
spec:
  type: NodePort
  selector: {app: public-app}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kubernetes-dashboard, namespace: NS, labels: {k8s-app: kubernetes-dashboard}}
spec:
  selector: {matchLabels: {k8s-app: kubernetes-dashboard}}
  template:
    metadata: {labels: {k8s-app: kubernetes-dashboard}}
    spec:
      containers:
      - {name: dashboard, image: kubernetesui/dashboard:v2.7.0}
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes-dashboard, namespace: NS}
spec:
  type: NodePort
  selector: {k8s-app: kubernetes-dashboard}
  ports: [{port: 443}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: lf-test-anon-SUFFIX}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, name: system:anonymous, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: lf-test-hook-SUFFIX}
webhooks:
- name: mutate.hooks.example.com
  clientConfig: {url: "https://hooks.example.com/mutate"}
  rules:
  - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}
  objectSelector: {matchLabels: {landfall-test: never-matches}}
  failurePolicy: Ignore
  sideEffects: None
  timeoutSeconds: 1
  admissionReviewVersions: [v1]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: default-view, namespace: NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: default, namespace: NS}
---
apiVersion: v1
kind: Pod
metadata: {name: kube-proxy-SUFFIX, namespace: kube-system}
spec:
  containers:
  - {name: kube-proxy, image: registry.k8s.io/kube-proxy:v1.37.2}
---
apiVersion: v1
kind: Pod
metadata: {name: debug-SUFFIX, namespace: kube-system}
spec:
  containers:
  - {name: shell, image: busybox:1.36}
`

// safe are objects no check may flag, in a namespace that has what the
// namespace checks ask for.
const safe = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: safe-default-deny, namespace: SAFE}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: v1
kind: LimitRange
metadata: {name: safe-limits, namespace: SAFE}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 128Mi}
    defaultRequest: {cpu: 100m, memory: 64Mi}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: safe-quota, namespace: SAFE}
spec:
  hard: {pods: "10"}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: SAFE}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: safe-web, namespace: SAFE}
spec:
  selector: {matchLabels: {app: safe-web}}
  template:
    metadata: {labels: {app: safe-web}}
    spec:` + hardenedPod + `
---
apiVersion: v1
kind: Service
metadata: {name: safe-web, namespace: SAFE}
spec:
  selector: {app: safe-web}
  ports: [{port: 8080}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: safe-view, namespace: SAFE}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: web, namespace: SAFE}
`

// pageSize is small so that the seeded ConfigMaps take several pages.
const pageSize = 5

// seedAll seeds the risky and the safe objects and more ConfigMaps than a
// page holds; it returns the risky and the safe namespace and the suffix
// of the cluster-scoped names.
func seedAll(t *testing.T) (ns, safeNS, suffix string) {
	t.Helper()
	ns = env.Namespace(t)
	safeNS = env.Namespace(t, map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted",
	})
	suffix = randomSuffix(t)
	seed(t, risky, "SUFFIX", suffix, "NS", ns)
	seed(t, safe, "SAFE", safeNS)
	var cms strings.Builder
	for i := range 3*pageSize + 2 {
		fmt.Fprintf(&cms, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: page-%d, namespace: %s}\ndata: {k: v}\n", i, ns)
	}
	seed(t, cms.String())
	return ns, safeNS, suffix
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random suffix: %v", err)
	}
	return hex.EncodeToString(b)
}

func registry(t *testing.T) *posture.Registry {
	t.Helper()
	reg, err := checks.Registry()
	if err != nil {
		t.Fatalf("building the registry: %v", err)
	}
	return reg
}

// found renders findings as "check on kind/namespace/name".
func found(fs []posture.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.CheckID+" on "+f.Object.String())
	}
	return out
}

func TestScan_FindsTheSeededRisksAndNothingOnSafeObjects(t *testing.T) {
	g := NewWithT(t)
	ns, safeNS, suffix := seedAll(t)
	var log requestLog
	res, err := live.Scan(t.Context(), log.watch(env.AdminConfig(t)), registry(t), live.Options{Cluster: "test", PageSize: pageSize})
	g.Expect(err).NotTo(HaveOccurred())

	got := found(res.Findings)
	t.Logf("findings:\n%s", strings.Join(got, "\n"))
	for _, want := range []string{
		"privileged-container on Pod/" + ns + "/privileged",
		"container-runtime-socket-mount on Pod/" + ns + "/docker-sock",
		"cluster-admin-binding on ClusterRoleBinding/lf-test-admin-" + suffix,
		"sensitive-interface-exposed on Service/" + ns + "/kubernetes-dashboard",
		"anonymous-binding on ClusterRoleBinding/lf-test-anon-" + suffix,
		"admission-webhook-external-url on MutatingWebhookConfiguration/lf-test-hook-" + suffix,
		"system-component-name-mimic on Pod/kube-system/kube-proxy-" + suffix,
		"kube-system-unowned-pod on Pod/kube-system/debug-" + suffix,
		"default-service-account-binding on RoleBinding/" + ns + "/default-view",
		"pod-security-labels-missing on Namespace/" + ns,
		"namespace-without-network-policy on Namespace/" + ns,
	} {
		g.Expect(got).To(ContainElement(want))
	}
	for _, f := range res.Findings {
		g.Expect(f.Source).To(Equal(posture.Source{Cluster: "test"}), "finding %s", f.CheckID)
		if f.Object.Namespace == safeNS || f.Object.Name == safeNS {
			t.Errorf("finding on a safe object: %s on %s: %s", f.CheckID, f.Object, f.Message)
		}
	}
	// kube-proxy-* is reported once, by the more specific check.
	g.Expect(got).NotTo(ContainElement("kube-system-unowned-pod on Pod/kube-system/kube-proxy-" + suffix))

	c := res.Completeness
	g.Expect(c.Complete()).To(BeTrue(), "not assessed: %v", c.NotAssessed())
	g.Expect(c.Percent()).To(Equal(100))
	g.Expect(c.ChecksNotAssessed).To(BeEmpty())
	g.Expect(kind(c, "ConfigMap").Listed).To(BeNumerically(">=", 3*pageSize+2))
	g.Expect(kind(c, "ConfigMap").Resource).To(Equal("configmaps/v1"))
	g.Expect(kind(c, "Deployment").Resource).To(Equal("deployments.apps/v1"))

	// Only paginated LISTs and discovery; the ConfigMaps took several pages.
	continued := 0
	for _, r := range log.all() {
		g.Expect(r.Method).To(Equal(http.MethodGet))
		if isDiscovery(r.URL.Path) {
			continue
		}
		g.Expect(r.URL.Query().Get("limit")).To(Equal(fmt.Sprint(pageSize)), "request %s is not a paginated LIST", r.URL)
		if r.URL.Query().Get("continue") != "" && strings.HasSuffix(r.URL.Path, "/configmaps") {
			continued++
		}
	}
	g.Expect(continued).To(BeNumerically(">=", 3))
}

// isDiscovery reports whether path is a discovery document (/api, /apis,
// /api/v1, /apis/group/version) rather than a resource.
func isDiscovery(path string) bool {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch parts[0] {
	case "api":
		return len(parts) <= 2
	case "apis":
		return len(parts) <= 3
	}
	return true
}

func kind(c live.Completeness, k string) live.KindStatus {
	for _, s := range c.Kinds {
		if s.Kind == k {
			return s
		}
	}
	return live.KindStatus{}
}

func TestScan_RestrictedIdentityGetsAPartialReport(t *testing.T) {
	g := NewWithT(t)
	ns, _, _ := seedAll(t)
	res, err := live.Scan(t.Context(), env.UserConfig(t, "alice"), registry(t), live.Options{PageSize: pageSize})
	g.Expect(err).NotTo(HaveOccurred())

	c := res.Completeness
	g.Expect(c.Complete()).To(BeFalse())
	g.Expect(c.Percent()).To(BeNumerically("<", 100))
	g.Expect(c.Cluster).NotTo(BeEmpty())
	for _, k := range []string{"Pod", "Secret", "ClusterRoleBinding", "Namespace", "MutatingWebhookConfiguration"} {
		g.Expect(kind(c, k).State).To(Equal(live.StateForbidden), "kind %s", k)
		g.Expect(kind(c, k).Reason()).To(Equal("not assessed: forbidden"))
	}
	g.Expect(c.NotAssessed()).To(ContainElement(HaveField("Kind", "Pod")))
	// Absence checks cannot judge without what they look up.
	g.Expect(c.ChecksNotAssessed).To(ContainElement(HaveField("ID", "namespace-without-network-policy")))
	// Nothing alice could not read is reported as found, and the namespace
	// the engine made up from nothing is not judged.
	for _, f := range res.Findings {
		g.Expect(f.Object.String()).NotTo(Equal("Namespace/"+ns), "%s", f.CheckID)
	}
}

func TestScan_NamespaceScopeSkipsClusterScopedKinds(t *testing.T) {
	g := NewWithT(t)
	ns, _, suffix := seedAll(t)
	res, err := live.Scan(t.Context(), env.AdminConfig(t), registry(t), live.Options{Namespace: ns, PageSize: pageSize})
	g.Expect(err).NotTo(HaveOccurred())

	for _, f := range res.Findings {
		ok := f.Object.Namespace == ns || f.Object.String() == "Namespace/"+ns
		g.Expect(ok).To(BeTrue(), "finding out of scope: %s on %s", f.CheckID, f.Object)
	}
	got := found(res.Findings)
	g.Expect(got).To(ContainElement("privileged-container on Pod/" + ns + "/privileged"))
	g.Expect(got).To(ContainElement("pod-security-labels-missing on Namespace/" + ns))
	g.Expect(got).NotTo(ContainElement("anonymous-binding on ClusterRoleBinding/lf-test-anon-" + suffix))

	c := res.Completeness
	g.Expect(c.Namespace).To(Equal(ns))
	g.Expect(c.Skipped()).To(ContainElements("ClusterRoleBinding", "MutatingWebhookConfiguration"))
	g.Expect(c.Skipped()).NotTo(ContainElement("Namespace"))
	g.Expect(kind(c, "Namespace").Listed).To(Equal(1))
	g.Expect(slices.ContainsFunc(c.Kinds, func(k live.KindStatus) bool { return k.State == live.StateForbidden })).To(BeFalse())
}

func TestScan_PartialRightsGiveAPartialReport(t *testing.T) {
	g := NewWithT(t)
	ns, _, _ := seedAll(t)
	seed(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-view, namespace: NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
`, "NS", ns)
	g.Eventually(func() error {
		_, err := env.User(t, "alice").CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{Limit: 1})
		return err
	}).WithTimeout(10 * time.Second).Should(Succeed())

	res, err := live.Scan(t.Context(), env.UserConfig(t, "alice"), registry(t), live.Options{Namespace: ns, PageSize: pageSize})
	g.Expect(err).NotTo(HaveOccurred())

	c := res.Completeness
	g.Expect(c.Percent()).To(And(BeNumerically(">", 0), BeNumerically("<", 100)))
	g.Expect(kind(c, "Pod").State).To(Equal(live.StateAssessed))
	g.Expect(kind(c, "Secret").State).To(Equal(live.StateForbidden), "view does not read secrets")
	g.Expect(kind(c, "Role").State).To(Equal(live.StateForbidden), "view does not read RBAC")
	got := found(res.Findings)
	g.Expect(got).To(ContainElement("privileged-container on Pod/" + ns + "/privileged"))
	// Role checks cannot resolve what RoleBindings grant without Roles.
	g.Expect(c.ChecksNotAssessed).To(ContainElement(HaveField("ID", "rbac-secrets-read")))
	for _, f := range res.Findings {
		g.Expect(f.CheckID).NotTo(Equal("rbac-secrets-read"))
	}
}
