// Command bench-scan measures `landfall scan` against a bare baseline on a
// generated corpus of Kubernetes manifests (`make bench-scan`).
//
// For each corpus size (-objects, default 10,000 and 100,000) it writes a
// corpus to a temporary directory: every workload kind, RBAC, Services,
// Ingresses, NetworkPolicies, ConfigMaps and Namespaces, in files of one to
// many YAML documents, with a share of risky settings so that checks fire.
// Then it measures, each in a child process of its own (the program
// re-executes itself with -mode) so that peak RSS belongs to one
// measurement:
//
//   - baseline: read and decode the same files into unstructured objects
//     with k8s.io/apimachinery's YAML-or-JSON decoder on -workers
//     goroutines (default 2), and nothing else;
//   - scan: `landfall scan -o json --out FILE DIR`, run in-process in the
//     child: the loader, every built-in check, exceptions and the JSON
//     report (reading the report back for the object count is not timed).
//
// It prints objects per second and peak RSS (the child's rusage maxrss,
// the kernel's VmHWM) for both, and the ratio of scan to baseline
// throughput. The targets: scan throughput at least 50% of the baseline,
// and peak RSS that grows with the findings, not with the corpus.
//
// Usage:
//
//	go run ./hack/bench-scan [-objects 10000,100000] [-workers 2] [-keep]
package main
