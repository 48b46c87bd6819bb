// Package scan implements `landfall scan`: load Kubernetes manifests, run
// the posture checks, apply exceptions and print a report.
//
// # Exit codes
//
//   - 0: the scan ran and no finding at or above --fail-on remains (or
//     --fail-on is none, the default).
//   - 1: findings at or above --fail-on remain after exceptions.
//   - 2: usage or input errors: a bad flag or config file, a file that
//     could not be read or decoded (the other files are still scanned and
//     the report is still written), or no Kubernetes objects at all
//     without --allow-empty.
//
// Input errors win over findings: a scan with a broken file exits 2 even
// when it also found something.
package scan
