// Package posture finds the weaknesses an attacker would use in Kubernetes
// objects, keyed on the techniques of the Threat Matrix for Kubernetes.
//
// # Checks
//
// A Check is one small Go value: a stable kebab-case ID, a title, a
// severity, the technique IDs it evidences, a description, a remediation and
// a pure function over one Object plus a read-only Index of every object in
// the scan, so that cross-object checks (RoleBinding to Role, Service to the
// pods it selects, Namespace to its NetworkPolicies) need no other state.
//
// # Registry
//
// A Registry is an explicit list of checks; NewRegistry rejects duplicate
// IDs. There is no init-time registration.
//
// # Findings
//
// Every Finding names its check, techniques, the object (apiVersion, kind,
// namespace, name), where the object came from (file and line, or a live
// cluster reference), the field path inside the object and a stable ID
// derived from check, object and path.
package posture
