// Command bench-delivery measures Landfall's delivery engine on a
// repository of -objects objects against the API server's own floor,
// kubectl apply --server-side of the same rendered objects.
//
// It starts a fresh local control plane (no nodes, etcd without fsync),
// writes a Git repository of plain manifests (Namespaces, ConfigMaps,
// Secrets, Services, ServiceAccounts, Roles and RoleBindings, spread over
// ten namespaces) and:
//
//  1. times kubectl apply --server-side of the same objects, rendered into
//     one file, in namespaces of their own: the floor;
//  2. in a child process (this binary re-executed with
//     LANDFALL_BENCH_DELIVERY_CHILD=1, so that its peak RSS is the
//     engine's alone), times a first full sync: fetch, render, gate,
//     staged server-side apply with pruning, and waiting until every
//     object is healthy (kstatus Current);
//  3. in the same child, times a no-op resync of the same revision, which
//     must write nothing.
//
// Targets: a first sync within 1.3x of the floor, a no-op resync under 10%
// of a full sync, peak RSS under 250 MB.
//
//	go run ./hack/bench-delivery                 # 1,000 objects
//	go run ./hack/bench-delivery -objects 200
package main
