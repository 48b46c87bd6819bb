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
// # Running checks
//
// Run checks a slice of objects held in memory with an index of all of
// them. Scan checks a stream: Add runs the checks that do not read the index
// at once and drops the object, keeping only what the checks' Lookups
// declare they read (for example roles for binding checks, light copies of
// workloads that look like a management interface, see Lighten) and the
// objects that checks with Lookups run on; Finish runs those. Memory thus
// grows with the findings and that small index, not with workloads,
// ConfigMaps, Secrets or pod specs. Both use every core and sort
// findings by file, line, check, object and path, so output is
// deterministic. Namespaces that objects use without a Namespace manifest
// are synthesized so that namespace checks cover them.
//
// Workload helpers: PodTemplateOf finds the pod spec of every kind with a
// pod template (PodSpecKinds), and PerPodSpec and PerContainer adapt
// functions over a pod spec or one container (containers, initContainers
// and ephemeralContainers) into a CheckFunc with full field paths such as
// "spec.template.spec.containers[1].securityContext.privileged".
//
// # Findings
//
// Every Finding names its check, techniques, the object (apiVersion, kind,
// namespace, name), where the object came from (file and line, or a live
// cluster reference), the field path inside the object and a stable ID
// derived from check, object and path.
package posture
