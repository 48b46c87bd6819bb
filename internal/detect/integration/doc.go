// Package integration proves the detection rules against a real API
// server. Its tests (there is no non-test code) start one local control
// plane per run with the audit policy of `landfall detect policy`
// (detect.Policy over every built-in rule) and with its audit webhook
// pointed at a detect/webhook receiver on loopback, follow the API
// server's audit log with detect.Follow, act out each attack with
// client-go as the sample users, and assert that exactly the expected
// alerts fire from both the file and the webhook source, and that a
// benign workload run fires none.
//
// The tests skip when the Kubernetes binaries are missing and CI is unset
// (see internal/testenv).
package integration
