// Package localcluster runs a real, local Kubernetes control plane as a
// library: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
// KWOK (simulated nodes and pod lifecycles), as child processes on free
// loopback ports, in one data directory.
//
// The binaries are built from the Go module proxy by hack/k8s (`make k8s`)
// into a cache outside the checkout; see BinDir. Nothing is downloaded here.
//
// # What the cluster is like
//
// The API server runs the admission chain of a real cluster (NamespaceLifecycle,
// LimitRanger, ServiceAccount, PodSecurity, ResourceQuota, NodeRestriction,
// MutatingAdmissionWebhook, ValidatingAdmissionWebhook, ...), authorizes with
// Node,RBAC, allows privileged pods as real clusters do (so Pod Security
// Admission is what rejects them), and writes a JSON-lines audit log (and,
// optionally, sends audit events to a webhook). The controller-manager runs
// every controller but node IPAM, with per-controller service-account
// credentials, so quota, namespace deletion, garbage collection and
// Deployments behave as on a real cluster. KWOK registers simulated nodes, one
// per zone, so pods are scheduled and become Running.
//
// # Credentials
//
// Start generates a CA, serving and client certificates, a service-account
// signing key, an admin kubeconfig and one kubeconfig per named User (a
// client certificate whose CN is the user and whose O fields are the
// groups). Credentials stay in the data directory (mode 0600) and are never
// logged.
//
// # Processes
//
// Every child runs in its own process group (a Ctrl-C on the terminal does
// not reach it directly) and with a parent-death signal, so no child outlives
// the process that started it, whether that process returns, panics or is
// killed. Stop ends the dependants first, the API server before etcd, and
// escalates from SIGTERM to SIGKILL after a timeout.
package localcluster
