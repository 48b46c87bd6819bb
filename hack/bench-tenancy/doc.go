// Command bench-tenancy measures how fast the tenancy manager turns Spaces
// into ready namespaces, against the API server's own floor.
//
// Each run starts a fresh local control plane (no nodes, etcd without
// fsync) and installs the CRDs, RBAC, webhooks and baseline template as a
// platform admin. A round is two runs, three with -status-floor (the
// default):
//
//  1. the manager run: the manager runs in a child process (this binary
//     re-executed with LANDFALL_BENCH_MANAGER=1) under its own
//     least-privilege ServiceAccount, so its peak RSS (VmHWM) is the
//     manager's alone. A tenant (a member of the account by group, with
//     only the rights Landfall gives the account's subjects) creates
//     -spaces Spaces with the baseline template, so every create takes
//     the webhook's full path; the clock stops when all are Ready
//     (followed by a watch, not by polling lists, so the measuring costs
//     the API server next to nothing). In the first round it then counts
//     reconciles (controller_runtime_reconcile_total, scraped from the
//     manager's metrics endpoint) over -idle once all are Ready and the
//     manager's work queues are empty: the target is none;
//  2. the floor: with no manager and no webhooks, a plain admin client
//     does the same work per space: creating the Space (inside the
//     manager's measured time too) and server-side applying the objects
//     the manager makes (namespace, TemplateInstance, template objects,
//     RoleBinding; not the statuses it writes). This is the issue's
//     floor, and the target is measured against it;
//  3. the floor + statuses, for information: the floor, and then the two
//     status writes per space the manager makes (the TemplateInstance's
//     inventory and Ready condition, the Space's Ready condition), each a
//     merge patch of the status subresource as the manager sends them.
//     It ends where the manager run ends, every Space Ready, so the ratio
//     to it is what the manager adds beyond the API work its model
//     requires: watches, webhooks and its own CPU. The report prints
//     what the statuses alone cost against the floor, and so how much of
//     the 1.5x target is left for everything else the manager does, next
//     to the CPU its own process used.
//
// Before each timed run -warmup spaces are made the same way and not
// timed, so neither run pays the control plane's first-use costs. The
// ratio reported is the median of -rounds rounds (every round's ratio is
// printed too): on a small machine one run can differ from the next by
// a third. Every other round runs them in reverse order, so a machine
// whose speed drifts over the rounds favours no run, and each run prints
// its CPU steal (the share of the machine's CPU time the hypervisor gave
// to other guests), which tells a noisy neighbour from a regression.
//
// It prints, for the median round, the CPU seconds of the API server,
// etcd, the controller manager, the manager and the clients, and the API
// requests per space by verb and resource, so a change in the ratio can
// be traced to what caused it. Both runs make kube-controller-manager do
// the same work per new namespace (root CA ConfigMap, default
// ServiceAccount, ResourceQuota status), paced by its 20-requests-a-second
// client; the share of it inside each timed window is printed, as the
// floor's shorter window usually ends with about half of it still to
// come. The ratio is measured as the issue defines it all the same.
//
// With -apiserver-profile DIR it also writes a 20-second CPU profile of
// the API server during each run of the first round and a CPU profile of
// the manager process.
//
// Both runs use landfall manager's client configuration (no client-side
// rate limit; see manager.ClientDefaults) and the manager runs with the
// default number of workers per controller.
//
// Targets: within 1.5x of the floor, no idle reconciles, RSS under 200 MB
// at 1,000 spaces.
//
//	go run ./hack/bench-tenancy                 # 1,000 spaces, 3 rounds
//	go run ./hack/bench-tenancy -spaces 100 -rounds 1 -idle 10s
package main
