// Command bench-tenancy measures how fast the tenancy manager turns Spaces
// into ready namespaces, against the API server's own floor.
//
// It starts a fresh local control plane (no nodes, etcd without fsync),
// installs the CRDs, RBAC, webhooks and baseline template as a platform
// admin, and runs the manager in a child process (this binary re-executed
// with LANDFALL_BENCH_MANAGER=1) under its own least-privilege
// ServiceAccount, so its peak RSS (VmHWM) is the manager's alone. It then:
//
//  1. creates -spaces Spaces of one account with the baseline template
//     and times until all are Ready (followed by a watch, not by polling
//     lists, so the measuring costs the API server next to nothing);
//  2. counts reconciles (controller_runtime_reconcile_total, scraped from
//     the manager's metrics endpoint) over -idle seconds once all are
//     Ready and the manager's work queues are empty: the target is none;
//  3. stops the manager, removes the webhook configurations and times a
//     plain client doing the same work per space: creating the Space
//     (inside the manager's measured time too) and server-side applying
//     the objects the manager makes (namespace, TemplateInstance, template
//     objects, RoleBinding; not the statuses it writes): the floor.
//
// It prints, for both runs, the CPU seconds of the API server, etcd, the
// manager and the clients, and the API requests per space by verb and
// resource, so a change in the ratio can be traced to what caused it; with
// -apiserver-profile DIR it also writes a 20-second CPU profile of the API
// server during each run.
//
// Both runs use landfall manager's client configuration (no client-side
// rate limit; see manager.ClientRate) and the manager runs with the
// default number of workers per controller.
//
// Targets: within 1.5x of the floor, no idle reconciles, RSS under 200 MB
// at 1,000 spaces.
//
//	go run ./hack/bench-tenancy                 # 1,000 spaces
//	go run ./hack/bench-tenancy -spaces 100 -idle 10s
package main
