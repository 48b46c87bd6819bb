// Package detect finds attacks in Kubernetes API-server audit events,
// keyed on the techniques of the Threat Matrix for Kubernetes. It is the
// engine behind `landfall detect` and the manager's audit webhook receiver
// (internal/controller.AuditReceiver); it knows nothing of cobra or
// controller-runtime, and of HTTP only what the webhook package needs.
//
// # Events
//
// Event is the part of an audit.k8s.io/v1 Event that rules read, decoded
// from the same JSON. Request and response bodies stay raw until a rule
// asks for them (Event.Object, Event.PodSpec), and are then decoded once.
//
// # Rules
//
// A Rule is one small Go value in the shape of a posture.Check: a stable
// kebab-case ID, title, severity (posture.Severity), technique IDs from
// internal/threatmatrix, the audit events it needs (Need, from which
// Policy derives the minimal audit policy) and a pure Match function. The
// built-in rules live one per file in internal/detect/rules; a Registry
// holds an explicit, validated, sorted list of them.
//
// # Engine and detector
//
// Engine runs every rule on a stream of events with the allow-list and
// settings of a Config. It evaluates each request once (the first of
// ResponseStarted or ResponseComplete), and keeps bounded state for the
// burst rules. Detector wraps an Engine for concurrent sources and writes
// alerts to Sinks (table, JSON lines, or, in the manager, Kubernetes Events
// built by KubeEvent), with Prometheus counters (Metrics) and a summary per
// tactic.
//
// # Sources
//
// ReadEvents and ReadFile read JSON-lines audit logs; Follow follows one
// through rename and copytruncate rotation without losing or repeating
// events. Lines that do not decode are reported as Malformed with their
// line number and skipped. The webhook sub-package receives EventList
// batches over HTTPS.
//
// # Alerts
//
// An Alert names the rule, techniques, tactics, severity, who (user,
// groups, source IPs, user agent), what (verb, resource, namespace, name,
// subresource), when and the audit ID. It never holds request or response
// bodies; rules' messages name keys and paths, never values.
package detect
