// Package rbac evaluates a cluster's RBAC: who may do what, where, and
// through which binding and role; which subjects hold risky permissions;
// and which exposed workloads lead to cluster takeover.
//
// # Semantics
//
// A Snapshot answers as the API server's RBAC authorizer does
// (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac and
// pkg/registry/rbac/validation), and a test compares it with
// SubjectAccessReview on random configurations:
//
//   - verbs, API groups and resources match exactly or by "*"; a rule for
//     "pods" does not match "pods/log", "*/log" matches every resource's
//     log subresource;
//   - a rule with resourceNames matches only requests for those names,
//     never list, watch, create or deletecollection, which have none;
//   - non-resource URLs match exactly, by "*", or by prefix when they end
//     in "*";
//   - ClusterRoleBindings apply in every namespace and to cluster-scoped
//     requests; a RoleBinding only to requests in its namespace, whether
//     it refers to a Role of that namespace or to a ClusterRole;
//   - User subjects match the user name and Group subjects one of the
//     user's groups; a ServiceAccount subject matches the user
//     system:serviceaccount:NS:NAME, with NS defaulting to the
//     RoleBinding's namespace (in a ClusterRoleBinding it must be set);
//   - a binding whose role does not exist grants nothing.
//
// The user is taken as given: UserFor adds the groups an authenticator
// would (system:authenticated, system:unauthenticated for
// system:anonymous, system:serviceaccounts and system:serviceaccounts:NS
// for service accounts). The API server's default roles and bindings are
// part of the snapshot like any other: Load reads them.
//
// # Aggregation
//
// For ClusterRoles with an aggregationRule, the authorizer uses the rules
// stored in the role, which the clusterrole-aggregation controller keeps
// up to date. The Snapshot computes those rules from the label selectors
// the same way, and reports the roles whose stored rules differ
// (AggregationDrift). Options.Aggregation chooses which rules count:
// stored (the default, exact for a live cluster) or computed (for
// manifests, where aggregated roles carry no rules, or to see what a role
// will grant once the controller has caught up).
//
// # Index
//
// Bindings are indexed by subject (user, group, service account) for
// Allowed and List, and by role for WhoCan, which evaluates each role's
// rules once per query and then lists the bindings that refer to the
// roles that allow the request. BenchmarkWhoCan compares it with visiting
// every binding as the authorizer does.
//
// # Risks
//
// Risks reports, per binding subject, the permissions of the Threat
// Matrix's RBAC techniques: full control (MS-TA9019), bind, escalate and
// impersonate (MS-TA9019), exec and attach (MS-TA9006), reading secrets
// (MS-TA9025), creating workloads in kube-system (MS-TA9008), writing
// admission webhook configurations (MS-TA9015), deleting events
// (MS-TA9022), writing the coredns ConfigMap (MS-TA9035), nodes/proxy
// (MS-TA9030) and deleting at scale (MS-TA9038). Each check asks the
// Snapshot about concrete requests (probes), so resourceNames, subresources
// and wildcards count exactly as the authorizer counts them; probes for
// "every verb/resource/group" use values that only "*" matches.
//
// Grants through the API server's unchanged default bindings are left
// out: bindings labelled kubernetes.io/bootstrapping=rbac-defaults whose
// subjects are all system identities (users and groups named system:*,
// service accounts of kube-system), which give the control plane what it
// needs by design. A subject added by hand to such a binding makes it
// count again (the rule of posture/live), and grants to the broad groups
// system:authenticated, system:unauthenticated, system:serviceaccounts[:NS]
// and to system:anonymous are always reported. RiskOptions.IncludeDefaults
// reports everything.
//
// # Attack paths
//
// A workload is exposed when a Service of type LoadBalancer or NodePort,
// a Service with externalIPs, or a Service an Ingress routes to selects
// its pods; ClusterIP Services without an Ingress are in-cluster only and
// are not entry points. When the exposed pods mount their service
// account's token and that account (with its groups) is cluster-admin,
// may read secrets or may create pods, AttackPaths reports the chain:
// Initial Access (Service or Ingress), Execution (the workload), Credential
// Access (the token), the binding and role, and the permission.
//
// # Findings
//
// Risk.Finding and AttackPath.Finding turn both into posture.Findings for
// a scan report; Checks gives their metadata.
package rbac
