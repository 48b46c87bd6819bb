package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// corpus describes a generated corpus.
type corpus struct {
	Dir     string
	Objects int
	Files   int
	Bytes   int64
}

// generate writes n objects under dir, deterministically. Namespaces hold
// about 200 objects each; files hold 1 to 25 documents.
func generate(dir string, n int) (corpus, error) {
	c := corpus{Dir: dir}
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	g := &gen{rng: rng}
	ns := 0
	for c.Objects < n {
		namespace := fmt.Sprintf("team-%04d", ns)
		nsDir := filepath.Join(dir, namespace)
		if err := os.MkdirAll(nsDir, 0o755); err != nil {
			return c, fmt.Errorf("creating corpus directory: %w", err)
		}
		inNS := 0
		for file := 0; inNS < 200 && c.Objects < n; file++ {
			docs := min(1+rng.IntN(25), n-c.Objects)
			name := filepath.Join(nsDir, fmt.Sprintf("app-%03d.yaml", file))
			size, err := g.writeFile(name, namespace, file, docs, inNS == 0)
			if err != nil {
				return c, err
			}
			c.Objects += docs
			c.Files++
			c.Bytes += size
			inNS += docs
		}
		ns++
	}
	return c, nil
}

// gen renders objects.
type gen struct {
	rng *rand.Rand
}

// kinds are generated in this mix (repeats weigh a kind up).
var kinds = []string{
	"Deployment", "Deployment", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod",
	"ReplicaSet", "ReplicationController", "Service", "Service", "ServiceAccount", "ConfigMap", "ConfigMap",
	"Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Ingress", "NetworkPolicy",
}

func (g *gen) writeFile(name, namespace string, file, docs int, withNamespace bool) (int64, error) {
	f, err := os.Create(name)
	if err != nil {
		return 0, fmt.Errorf("creating corpus file: %w", err)
	}
	w := bufio.NewWriter(f)
	var b strings.Builder
	for d := range docs {
		b.Reset()
		if d > 0 {
			b.WriteString("---\n")
		}
		if d == 0 && withNamespace {
			fmt.Fprintf(&b, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", namespace)
		} else {
			g.object(&b, kinds[g.rng.IntN(len(kinds))], namespace, fmt.Sprintf("app-%03d-%02d", file, d))
		}
		w.WriteString(b.String())
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, fmt.Errorf("writing corpus file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, err
	}
	return fi.Size(), f.Close()
}

// object renders one object of kind.
func (g *gen) object(b *strings.Builder, kind, ns, name string) {
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
		api := "apps/v1"
		fmt.Fprintf(b, "apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app: %s\nspec:\n", api, kind, name, ns, name)
		if kind != "DaemonSet" {
			fmt.Fprintf(b, "  replicas: %d\n", 1+g.rng.IntN(5))
		}
		fmt.Fprintf(b, "  selector:\n    matchLabels:\n      app: %s\n  template:\n", name)
		g.podTemplate(b, "    ", name)
	case "ReplicationController":
		fmt.Fprintf(b, "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  replicas: 2\n  selector:\n    app: %s\n  template:\n", name, ns, name)
		g.podTemplate(b, "    ", name)
	case "Job":
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  backoffLimit: 2\n  template:\n", name, ns)
		g.podTemplate(b, "    ", name)
	case "CronJob":
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  schedule: \"*/15 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n", name, ns)
		g.podTemplate(b, "        ", name)
	case "Pod":
		fmt.Fprintf(b, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app: %s\n", name, ns, name)
		b.WriteString("spec:\n")
		g.podSpec(b, "  ", name)
	case "Service":
		typ := "ClusterIP"
		switch g.rng.IntN(10) {
		case 0:
			typ = "LoadBalancer"
		case 1:
			typ = "NodePort"
		}
		fmt.Fprintf(b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  type: %s\n  selector:\n    app: %s\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n", name, ns, typ, name)
	case "ServiceAccount":
		fmt.Fprintf(b, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n  namespace: %s\n", name, ns)
	case "ConfigMap":
		fmt.Fprintf(b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: %s\ndata:\n", name, ns)
		for i := range 5 + g.rng.IntN(10) {
			fmt.Fprintf(b, "  key%02d: \"value %d for %s\"\n", i, g.rng.IntN(1_000_000), name)
		}
	case "Role", "ClusterRole":
		fmt.Fprintf(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: %s\nmetadata:\n  name: %s\n", kind, name)
		if kind == "Role" {
			fmt.Fprintf(b, "  namespace: %s\n", ns)
		}
		b.WriteString("rules:\n  - apiGroups: [\"\"]\n    resources: [\"configmaps\", \"pods\"]\n    verbs: [\"get\", \"list\", \"watch\"]\n")
		switch g.rng.IntN(8) {
		case 0:
			b.WriteString("  - apiGroups: [\"\"]\n    resources: [\"secrets\"]\n    verbs: [\"get\", \"list\"]\n")
		case 1:
			b.WriteString("  - apiGroups: [\"*\"]\n    resources: [\"*\"]\n    verbs: [\"*\"]\n")
		case 2:
			b.WriteString("  - apiGroups: [\"\"]\n    resources: [\"pods/exec\"]\n    verbs: [\"create\"]\n")
		}
	case "RoleBinding", "ClusterRoleBinding":
		role, roleKind := name, "Role"
		if kind == "ClusterRoleBinding" {
			roleKind = "ClusterRole"
		}
		if g.rng.IntN(20) == 0 {
			role, roleKind = "cluster-admin", "ClusterRole"
		}
		fmt.Fprintf(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: %s\nmetadata:\n  name: %s\n", kind, name)
		if kind == "RoleBinding" {
			fmt.Fprintf(b, "  namespace: %s\n", ns)
		}
		fmt.Fprintf(b, "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: %s\n  name: %s\nsubjects:\n  - kind: ServiceAccount\n    name: %s\n    namespace: %s\n", roleKind, role, name, ns)
	case "Ingress":
		fmt.Fprintf(b, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  rules:\n    - host: %s.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: %s\n                port:\n                  number: 80\n", name, ns, name, name)
		if g.rng.IntN(2) == 0 {
			fmt.Fprintf(b, "  tls:\n    - hosts: [%s.example.com]\n      secretName: %s-tls\n", name, name)
		}
	case "NetworkPolicy":
		fmt.Fprintf(b, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              app: %s\n", name, ns, name)
	}
}

// podTemplate renders metadata and spec of a pod template at indent.
func (g *gen) podTemplate(b *strings.Builder, indent, name string) {
	fmt.Fprintf(b, "%smetadata:\n%s  labels:\n%s    app: %s\n%sspec:\n", indent, indent, indent, name, indent)
	g.podSpec(b, indent+"  ", name)
}

// podSpec renders a pod spec with one to three containers; about one in
// ten workloads gets a risky setting.
func (g *gen) podSpec(b *strings.Builder, in, name string) {
	if g.rng.IntN(10) == 0 {
		fmt.Fprintf(b, "%shostNetwork: true\n", in)
	}
	fmt.Fprintf(b, "%ssecurityContext:\n%s  runAsNonRoot: true\n%s  seccompProfile:\n%s    type: RuntimeDefault\n", in, in, in, in)
	fmt.Fprintf(b, "%scontainers:\n", in)
	for i := range 1 + g.rng.IntN(3) {
		tag := fmt.Sprintf("1.%d.%d", g.rng.IntN(20), g.rng.IntN(10))
		if g.rng.IntN(10) == 0 {
			tag = "latest"
		}
		fmt.Fprintf(b, "%s  - name: c%d\n%s    image: registry.example.com/%s:%s\n", in, i, in, name, tag)
		fmt.Fprintf(b, "%s    ports:\n%s      - containerPort: %d\n", in, in, 8080+i)
		fmt.Fprintf(b, "%s    env:\n%s      - name: LOG_LEVEL\n%s        value: info\n", in, in, in)
		fmt.Fprintf(b, "%s    resources:\n%s      limits: {cpu: 500m, memory: 256Mi}\n%s      requests: {cpu: 100m, memory: 128Mi}\n", in, in, in)
		fmt.Fprintf(b, "%s    securityContext:\n%s      allowPrivilegeEscalation: false\n%s      readOnlyRootFilesystem: true\n", in, in, in)
		if g.rng.IntN(20) == 0 {
			fmt.Fprintf(b, "%s      privileged: true\n", in)
		}
		fmt.Fprintf(b, "%s      capabilities:\n%s        drop: [ALL]\n", in, in)
	}
	if g.rng.IntN(15) == 0 {
		fmt.Fprintf(b, "%svolumes:\n%s  - name: host\n%s    hostPath:\n%s      path: /var/log\n", in, in, in, in)
	}
}
