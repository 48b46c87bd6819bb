// Package exception decides which posture findings a team has accepted, and
// keeps account of the exceptions that did nothing.
//
// # Annotations
//
// An object opts out of checks with two annotations, on its own metadata or
// on its pod template's metadata (spec.template.metadata, or
// spec.jobTemplate.spec.template.metadata for a CronJob):
//
//	metadata:
//	  annotations:
//	    landfall.dev/ignore: "privileged-container,host-path-mount"
//	    landfall.dev/ignore-reason: "CNI agent needs the host network"
//
// An ignore annotation without a reason is not honoured; the report lists it
// as invalid. Matcher honours annotations unless Options.NoAnnotations is set
// (the CLI's --no-annotation-exceptions), for teams that do not trust the
// authors of the manifests they scan.
//
// # Config file
//
// A config file (the CLI's --config) lists exceptions per check and
// resource. Checks, kind, namespace and name are path.Match globs; an empty
// or missing resource field matches everything. Every exception needs a
// reason; expires is optional, a date (YYYY-MM-DD, the exception applies
// through that day, UTC) or an RFC 3339 time:
//
//	exceptions:
//	  - checks: [privileged-container]
//	    resource:
//	      kind: DaemonSet
//	      namespace: kube-system
//	      name: "cilium*"
//	    reason: "CNI agent needs privileges"
//	    expires: 2026-12-31
//
// Parse reports every problem in a config at once, each naming the file and
// the field, for example "landfall.yaml: exceptions[2].reason: required".
//
// # Outcomes
//
// Matcher.Outcomes lists every exception with what it did: applied (it
// suppressed findings), unmatched (it suppressed nothing and is probably
// stale), expired (past its date; it suppresses nothing) or invalid.
package exception
