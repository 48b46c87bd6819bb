// Command bench-live measures `landfall scan --cluster` against the floor
// of plain LISTs of the same resources, on a filled local control plane
// (`make bench-live`).
//
// It starts a local control plane (etcd without fsync, no nodes: pods stay
// Pending) and fills -namespaces namespaces (default 200) with 100 objects
// each, 20,000 in all, created on -workers goroutines: Deployments (whose
// ReplicaSets and Pods the controllers make), a StatefulSet, a Job, a
// suspended CronJob, a DaemonSet, bare Pods, Services, Ingresses,
// ConfigMaps and Secrets (half with kubectl's last-applied annotation),
// ServiceAccounts, Roles, RoleBindings, NetworkPolicies, a LimitRange and
// a ResourceQuota. Every fourth namespace holds the Kubernetes Goat and
// badPods shapes (privileged, the runtime socket, host PID, NodePort and
// LoadBalancer Services, a binding to system:authenticated), so that
// checks fire; the others enforce Pod Security baseline.
//
// A warm-up scan writes its JSON report to a file; its completeness
// section names the resources the scan listed and how many objects each
// held. A warm-up floor must list the same numbers, or the benchmark
// stops. Then -rounds times (default 3), in this order, each in a child
// process of its own:
//
//   - floor: this program (-mode floor) LISTs exactly those resources with
//     the dynamic client, decoding each page into unstructured objects,
//     with live.Scan's page size, number of LISTs in flight and client
//     rate, and nothing else (no discovery, no checks);
//   - scan: `landfall scan --cluster -o json` of the built binary (or
//     -landfall), its report to /dev/null;
//   - live.Scan: this program (-mode live) running the engine alone;
//   - bodies: the same LISTs read as bytes and not decoded, which shows
//     how much of the floor is the API server and how much the client.
//
// It prints the median, minimum and maximum time, the client's CPU time,
// the CPU time the API server and etcd spent meanwhile, peak RSS and the
// ratio to the floor: the process times for landfall, the times the
// children measured themselves (from loading the kubeconfig) for
// live.Scan. The target: the scan within 1.3x of the floor.
//
// -dir keeps the control plane and its objects for the next run, which
// then skips filling; -hold fills and keeps the control plane up for
// measuring by hand; -cpuprofile profiles the first live.Scan.
//
// Usage:
//
//	go run ./hack/bench-live [-namespaces 200] [-rounds 3] [-landfall bin/landfall] [-dir DIR]
package main
