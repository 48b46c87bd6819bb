// Package delivery is Landfall's GitOps engine: it fetches a revision of a
// Git repository, renders the manifests at a path in it, runs the posture
// checks on them as a gate, applies them to a cluster with server-side
// apply, prunes what was removed from Git, waits for health, reports drift
// and promotes applications from one environment's path to another's by
// writing a Git commit.
//
// The package knows nothing of controllers, CLIs or HTTP: the Environment
// and Promotion reconcilers and the landfall env and landfall promote
// commands are thin adapters on top of it.
//
// # Fetch
//
// A Fetcher clones with go-git into a cache directory, one repository per
// URL and credentials, shallow where it can (depth 1 for a branch or a
// tag), and fetches and resets the cached copy on later calls. A Source
// names exactly one revision: a branch, a tag or a commit (with an
// optional branch to fetch it from, as rollback needs; a commit behind the
// shallow history is fetched in full). Repositories larger than
// Fetcher.MaxBytes, symbolic links out of the repository and paths that
// leave it are refused; local paths only with Fetcher.AllowLocal. The
// returned Checkout holds the repository's lock until it is closed, so
// that a concurrent fetch of the same repository never moves the worktree
// under a render. Credentials (Auth) never appear in errors, logs, printed
// values or the cache's Git config, and URLs in errors lose their user
// information. SSH needs known_hosts: host keys are always checked.
// Credentials go over https, or plain http to a loopback address only.
//
// # Render
//
// Render reads a directory the way landfall scan does (package
// internal/posture/load): plain YAML and JSON files, kustomize overlays and
// local Helm charts, so that the gate checks exactly what is applied.
// Kustomize builds are serialised and their panics recovered; reads
// (kustomize references, generators, symbolic links, chart files) are
// confined to RenderOptions.Root; a chart whose dependencies are missing
// from charts/ fails instead of rendering without them; an object defined
// twice fails; errors name the file.
//
// # Gate
//
// Gate runs the built-in posture checks on the rendered objects, honours
// exceptions as landfall scan does (a config file and ignore annotations)
// and blocks the revision when a finding reaches the minimum severity.
//
// # Apply, prune, wait and diff
//
// An Applier applies objects with server-side apply under one field
// manager (FieldManager), in stages (CustomResourceDefinitions, Namespaces
// and ClusterRoles first, waiting until they are ready, then classes, then
// the rest), using the rest.Config it is given: for a tenant environment
// the caller passes a config that impersonates the tenant's
// ServiceAccount, so the API server decides what the tenant may write,
// and every refused object is reported with the API server's answer while
// the others are applied. The result carries a Flux-style inventory
// (namespace_name_group_kind and version). Pruning runs only after an
// apply without failures; it deletes only objects of the previous
// inventory that are no longer rendered, never objects the inventory does
// not list, never objects annotated landfall.dev/prune: disabled and
// never objects Landfall's field manager no longer manages. Store
// Merge(prev, Applier.PlannedInventory(objs)) before applying, so that a
// crash in the middle of an apply loses track of nothing. Health is
// kstatus. Diff is a server-side dry-run apply, with Secret values masked;
// a non-empty diff of an applied revision is drift, and applying the
// revision again undoes it.
//
// An Applier remembers what it applied and a fingerprint of each live
// object's non-status managed fields, so that resyncing an unchanged
// revision costs one metadata list per kind and namespace: no dry-run,
// no write. Status updates by controllers do not count as changes; any
// other write does.
//
// # Promote
//
// Promote clones the repository, updates image tags (kustomize images,
// Helm values image.tag or plain manifests) or copies an application's
// directory from one environment's path to another's, commits once with a
// message saying what was promoted from where, and pushes, retrying on a
// non-fast-forward push.
package delivery
