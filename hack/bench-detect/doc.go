// Command bench-detect measures `landfall detect` against a bare decode
// baseline on a generated audit log (`make bench-detect`).
//
// It writes -events audit.k8s.io/v1 events (default 1,000,000) as JSON
// lines to a temporary file, with the mix of a busy cluster under the
// policy of `landfall detect policy`: controllers' and kubelets' reads and
// status updates, ReplicaSet pods created with their bodies, users'
// deployments, ConfigMaps and RBAC writes with bodies, secret reads, and
// a small share of attacks (exec, cluster-admin bindings, deletes in
// bursts, privileged pods) so that rules fire. Then it measures, each in a
// child process of its own (the program re-executes itself with -mode) so
// that peak RSS belongs to one measurement:
//
//   - baseline: read the file line by line and json.Unmarshal each line
//     into the upstream audit Event type (k8s.io/apiserver/pkg/apis/audit/v1),
//     and nothing else;
//   - detect: `landfall detect -o json --no-summary FILE`, run in-process in
//     the child with every built-in rule, the alerts written to a counting
//     discard writer.
//
// It prints events per second and peak RSS (the larger of the child's
// rusage maxrss and VmHWM) for both, and the ratio of detect to baseline
// throughput. The targets: detect at least 50% of the baseline, and a peak
// RSS that does not grow with the number of events.
//
// Usage:
//
//	go run ./hack/bench-detect [-events 1000000] [-keep]
package main
