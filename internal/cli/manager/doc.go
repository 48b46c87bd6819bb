// Package manager is the `landfall manager` command: the controller-runtime
// manager that runs Landfall's reconcilers (internal/controller.Setup), and
// `landfall manager install`, which applies the CRDs embedded from
// config/crd/bases.
//
// With --audit-webhook-bind-address the manager also runs the audit webhook
// receiver (internal/controller.AuditReceiver), which turns the alerts of
// the detection rules into Kubernetes Events and log lines.
package manager
