// Package webhook receives API-server audit events over HTTPS, exactly as
// kube-apiserver's --audit-webhook-config-file sends them: POSTed
// audit.k8s.io/v1 EventList batches. It hands every event to a
// detect.Handler (normally a detect.Detector) and serves the detector's
// Prometheus counters on a separate handler.
//
// The receiver answers 200 once a batch is handed over, and 400 for a body
// that is not an EventList; items of a batch that do not decode are
// reported to the handler as malformed (position "webhook:<batch>:<item>")
// and the rest of the batch is still processed.
package webhook
