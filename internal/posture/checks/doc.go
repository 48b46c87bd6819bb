// Package checks assembles the built-in posture checks from the area
// packages (workload, rbac, network, secrets, supplychain, resources,
// cluster) into one explicit list.
//
// Every check has fixtures in <area>/testdata/<check-id>/: pass*.yaml files
// must yield no finding of the check and fail*.yaml files at least one.
// A fail fixture may state expected message fragments in comment lines of
// the form "# expect: <fragment>". Objects named dont-fire-* must never
// yield a finding of the check.
package checks
