package checks_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/load"
)

// corpus writes files × perFile objects (Deployments, Services, ConfigMaps,
// RoleBindings in rotation) into a temporary directory.
func corpus(b *testing.B, files, perFile int) string {
	b.Helper()
	dir := b.TempDir()
	for f := range files {
		var buf bytes.Buffer
		for i := range perFile {
			ns := fmt.Sprintf("team-%d", (f*perFile+i)%40)
			name := fmt.Sprintf("obj-%d-%d", f, i)
			if i > 0 {
				buf.WriteString("---\n")
			}
			switch i % 4 {
			case 0:
				fmt.Fprintf(&buf, benchDeployment, name, ns, name, name)
			case 1:
				fmt.Fprintf(&buf, benchService, name, ns, name)
			case 2:
				fmt.Fprintf(&buf, benchConfigMap, name, ns)
			case 3:
				fmt.Fprintf(&buf, benchRoleBinding, name, ns)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.yaml", f)), buf.Bytes(), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

const benchDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  namespace: %s
  labels: {app: web, team: shop}
spec:
  replicas: 3
  selector:
    matchLabels: {app: %s}
  template:
    metadata:
      labels: {app: %s}
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: registry.example.com/shop/web:1.2.3
        ports: [{containerPort: 8080, name: http}]
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: DB_HOST, value: db.shop.svc}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {memory: 256Mi}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
      - name: sidecar
        image: envoyproxy/envoy:v1.30.0
        volumeMounts: [{name: logs, mountPath: /var/log/app}]
      volumes:
      - name: logs
        hostPath: {path: /var/log/app}
`

const benchService = `apiVersion: v1
kind: Service
metadata:
  name: %s
  namespace: %s
spec:
  type: NodePort
  selector: {app: %s}
  ports: [{port: 80, targetPort: 8080}]
`

const benchConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: %s
  namespace: %s
data:
  app.properties: |
    listen=8080
    workers=4
    cache.size=128
  LOG_LEVEL: info
`

const benchRoleBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: %s
  namespace: %s
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
`

// BenchmarkScan compares a bare parse into unstructured objects
// (sigs.k8s.io/yaml, one goroutine per file set, no checks) with the full
// scan: load.Walk plus every check through a streaming posture.Scan. Each
// iteration handles 10,000 objects.
func BenchmarkScan(b *testing.B) {
	dir := corpus(b, 100, 100)
	reg, err := checks.Registry()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("baseline-parse-unstructured", func(b *testing.B) {
		for b.Loop() {
			files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
			for _, f := range files {
				data, _ := os.ReadFile(f)
				for _, doc := range bytes.Split(data, []byte("\n---\n")) {
					u := &unstructured.Unstructured{}
					if err := yaml.Unmarshal(doc, &u.Object); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	})
	b.Run("walk-only", func(b *testing.B) {
		for b.Loop() {
			if _, errs := load.Walk(b.Context(), []string{dir}, load.Options{}, func(*posture.Object) error { return nil }); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	})
	b.Run("walk-and-scan", func(b *testing.B) {
		for b.Loop() {
			s := posture.NewScan(reg, posture.RunOptions{})
			if _, errs := load.Walk(b.Context(), []string{dir}, load.Options{}, func(o *posture.Object) error {
				s.Add(o)
				return nil
			}); len(errs) > 0 {
				b.Fatal(errs)
			}
			fs := s.Finish()
			if len(fs) == 0 {
				b.Fatal("no findings")
			}
			b.ReportMetric(float64(len(fs)), "findings/op")
		}
	})
}
