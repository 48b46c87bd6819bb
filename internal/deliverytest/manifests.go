package deliverytest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ConfigMap returns a ConfigMap manifest with the data given as key,
// value pairs. An empty namespace leaves the field out.
func ConfigMap(name, namespace string, kv ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n%sdata:\n", name, nsLine(namespace))
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "  %s: %q\n", kv[i], kv[i+1])
	}
	return b.String()
}

// Deployment returns a Deployment of one replica of image that Pod
// Security "restricted" admits and the gate passes at severity high.
func Deployment(name, namespace, image string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
%[2]sspec:
  replicas: 1
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: %[3]s
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        resources:
          requests: {cpu: 10m, memory: 16Mi}
          limits: {cpu: 100m, memory: 64Mi}
`, name, nsLine(namespace), image)
}

// PrivilegedDaemonSet returns a DaemonSet whose container is privileged:
// the gate's privileged-container check (critical) fires on it.
func PrivilegedDaemonSet(name, namespace string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: %[1]s
%[2]sspec:
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      containers:
      - name: agent
        image: registry.example/agent:1.0
        securityContext:
          privileged: true
`, name, nsLine(namespace))
}

// ClusterRoleBinding returns a binding of a ClusterRole to a
// ServiceAccount.
func ClusterRoleBinding(name, role, saNamespace, sa string) string {
	return fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: %s
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: %s
subjects:
- kind: ServiceAccount
  name: %s
  namespace: %s
`, name, role, sa, saNamespace)
}

// Join joins manifests into one multi-document YAML file.
func Join(docs ...string) string { return strings.Join(docs, "---\n") }

// Files merges file maps; later maps win.
func Files(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out[k] = m[k]
		}
	}
	return out
}

func nsLine(ns string) string {
	if ns == "" {
		return ""
	}
	return "  namespace: " + ns + "\n"
}
