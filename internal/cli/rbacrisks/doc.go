// Package rbacrisks implements `landfall rbac-risks`: the risky
// permissions of every subject of the cluster's bindings, each mapped to
// Threat Matrix techniques, and the attack paths from exposed workloads
// through their service accounts to cluster takeover (see internal/rbac).
package rbacrisks
