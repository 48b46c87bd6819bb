// Package rbac holds posture checks on Roles, ClusterRoles and their
// bindings. Binding checks resolve each RoleBinding or ClusterRoleBinding to
// its Role or ClusterRole through the scan's index (falling back to the
// rules of the built-in cluster-admin, admin and edit ClusterRoles) and
// report on the binding, naming the subjects and the granting rules.
package rbac
