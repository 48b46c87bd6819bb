// Package matrix implements `landfall matrix`: the Threat Matrix for
// Kubernetes (Microsoft, CC BY 4.0) as a terminal grid, as JSON or YAML, and
// with --coverage as a table of which techniques Landfall assesses today
// and which it could assess from manifests, a live cluster or audit logs.
//
// The command takes a function that returns the current Coverage, so the
// root command can build it from the posture check registry without this
// package importing the checks.
package matrix
