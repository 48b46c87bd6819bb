// Package live scans a running cluster with the posture checks.
//
// Scan reads, with LIST calls only, every resource kind that the selected
// checks run on or look up, and streams the objects into a posture.Scan.
// The objects carry a Source whose Cluster names the cluster and whose File
// is empty, so that reports point at kind/namespace/name.
//
// # Listing
//
// Kinds are mapped to resources through discovery, preferring each API
// group's preferred version and, when several groups serve a kind, the
// built-in groups (core, apps, batch, rbac, networking, admission). Each
// resource is listed in pages (Options.PageSize, Limit/Continue) with at
// most Options.Concurrency LISTs in flight. managedFields, status and the
// last-applied annotation are stripped before the checks run.
//
// Scan reads each page as JSON and decodes it in one pass (decode.go),
// skipping the stripped fields instead of building them, into the same
// unstructured objects the dynamic client would make. The dynamic client's
// decoder reads a page several times over and cost twice as much CPU as
// the whole scan does now; ScanWith, which takes a dynamic client, still
// uses it.
//
// # Completeness
//
// A kind the identity may not list is "not assessed: forbidden", any other
// failure "not assessed: <error>"; nothing is silently passed. The Result
// counts the kinds assessed against the kinds needed, and drops the
// findings of cross-object checks whose lookups are incomplete (an absent
// NetworkPolicy is not evidence when NetworkPolicies could not be read),
// naming those checks as not assessed.
//
// With a namespace, cluster-scoped kinds are skipped (and named), except
// the Namespace itself (listed with a field selector) and ClusterRoles
// (needed to resolve RoleBindings; findings on them are dropped).
//
// # Duplicates
//
// A Deployment's ReplicaSets and Pods repeat its pod template. A finding
// on an object whose controller chain leads to an object with a finding of
// the same check is dropped, so each weakness is reported once, at the
// object to fix.
//
// # Defaults
//
// The API server creates dozens of RBAC objects (label
// kubernetes.io/bootstrapping=rbac-defaults) that grant controllers what
// the RBAC checks flag. Findings on them are left out and counted in
// Result.DefaultFindings, unless a binding names a subject other than a
// system: identity or a kube-system service account, or the check is about
// who is bound (anonymous, system:authenticated, default service
// accounts).
package live
