package controller

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/webhook"
)

// AuditReceiverName names the receiver in logs.
const AuditReceiverName = "audit-webhook"

// DefaultAuditEventQueue is how many alerts wait for their Event before
// new ones are dropped.
const DefaultAuditEventQueue = 1024

// AuditReceiverOptions configure an AuditReceiver.
type AuditReceiverOptions struct {
	// Addr is the address to listen on, for example ":9443"; required.
	Addr string
	// Cert is the serving certificate.
	Cert tls.Certificate
	// Registry holds the rules to run.
	Registry *detect.Registry
	// Config is the allow-list and the rule settings; nil means none.
	Config *detect.Config
	// Namespace receives the Events of alerts that name no namespace
	// (cluster-scoped objects, non-resource requests); it is created if
	// missing.
	Namespace string
	// Instance is the Events' reporting instance, for example the pod
	// name.
	Instance string
	// QueueSize bounds the alerts waiting for their Event; 0 means
	// DefaultAuditEventQueue.
	QueueSize int
}

// AuditReceiver is a manager Runnable that receives the API server's audit
// webhook (EventList batches over HTTPS, as `landfall detect serve` does),
// runs the detection rules, and writes each alert as a Kubernetes Event
// (detect.KubeEvent) and to the manager's log. Every replica receives
// batches, so it does not need leader election; Event names derive from
// the audit ID and rule, so a batch delivered twice is not reported twice.
//
// Alerts are queued, so that a slow API server never holds up the
// webhook (the API server buffers and drops batches of a slow receiver);
// when the queue is full the alert is logged and its Event dropped.
//
// +kubebuilder:rbac:groups="",resources=events,verbs=create
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;create
type AuditReceiver struct {
	// Client writes Events and the namespace.
	Client client.Client
	// Log is the receiver's logger.
	Log logr.Logger

	opts     AuditReceiverOptions
	detector *detect.Detector
	server   *webhook.Server
	queue    chan detect.Alert
	dropped  atomic.Int64
}

// NewAuditReceiver builds the rule engine and listens on opts.Addr, so
// that a bad address or config fails at start-up; Start serves.
func NewAuditReceiver(c client.Client, log logr.Logger, opts AuditReceiverOptions) (*AuditReceiver, error) {
	if opts.Namespace == "" {
		return nil, errors.New("audit receiver: namespace is required")
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultAuditEventQueue
	}
	engine, err := detect.NewEngine(opts.Registry, detect.Options{Config: opts.Config})
	if err != nil {
		return nil, fmt.Errorf("building the detection engine: %w", err)
	}
	r := &AuditReceiver{Client: c, Log: log, opts: opts, queue: make(chan detect.Alert, opts.QueueSize)}
	r.detector = detect.NewDetector(engine, nil, detect.SinkFunc(r.enqueue))
	r.detector.OnMalformed = func(m detect.Malformed) {
		r.Log.Error(m.Err, "malformed audit event", "position", m.Position.String())
	}
	if r.server, err = webhook.Listen(opts.Addr, opts.Cert, webhook.NewHandler(r.detector)); err != nil {
		return nil, err
	}
	return r, nil
}

// Addr is the address the receiver listens on.
func (r *AuditReceiver) Addr() string { return r.server.Addr() }

// URL is the https URL the API server's webhook config points at.
func (r *AuditReceiver) URL() string { return r.server.URL() }

// Stats returns the rule engine's counters.
func (r *AuditReceiver) Stats() detect.Stats { return r.detector.Stats() }

// NeedLeaderElection is false: every replica handles the batches it gets.
func (r *AuditReceiver) NeedLeaderElection() bool { return false }

// Start ensures the Events' namespace, then serves until ctx is done.
func (r *AuditReceiver) Start(ctx context.Context) error {
	ctx = logr.NewContext(ctx, r.Log)
	log := ctrl.LoggerFrom(ctx)
	if err := r.ensureNamespace(ctx); err != nil {
		_ = r.server.Close()
		return err
	}
	errs := make(chan error, 1)
	go func() { errs <- r.server.Serve() }()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.writeEvents(ctx)
	}()
	log.Info("receiving audit events", "url", r.URL(), "eventNamespace", r.opts.Namespace, "rules", r.opts.Registry.Len())
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	_ = r.server.Close()
	<-done
	if err != nil {
		return fmt.Errorf("serving the audit webhook: %w", err)
	}
	return nil
}

// ensureNamespace creates the Events' namespace unless it exists.
func (r *AuditReceiver) ensureNamespace(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: r.opts.Namespace}}
	err := r.Client.Get(ctx, client.ObjectKeyFromObject(ns), ns)
	if apierrors.IsNotFound(err) {
		err = r.Client.Create(ctx, ns)
		if err == nil {
			ctrl.LoggerFrom(ctx).Info("created namespace for audit alerts", "namespace", r.opts.Namespace)
		}
	}
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("ensuring namespace %s: %w", r.opts.Namespace, err)
	}
	return nil
}

// enqueue is the detector's sink: it logs the alert and queues its Event.
// It runs in the webhook's request with the detector locked, so it never
// blocks.
func (r *AuditReceiver) enqueue(a detect.Alert) error {
	r.Log.Info("attack detected", alertKeysAndValues(a)...)
	select {
	case r.queue <- a:
	default:
		r.dropped.Add(1)
		r.Log.Info("alert queue full, event dropped", "rule", a.Rule, "auditID", a.AuditID, "dropped", r.dropped.Load())
	}
	return nil
}

// writeEvents creates the Events of queued alerts until ctx is done.
func (r *AuditReceiver) writeEvents(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-r.queue:
			if err := r.writeEvent(ctx, a); err != nil {
				ctrl.LoggerFrom(ctx).Error(err, "writing alert event", "rule", a.Rule, "auditID", a.AuditID)
			}
		}
	}
}

// writeEvent creates the Event of one alert: next to the alert's object,
// or in the receiver's namespace when the alert names none or its
// namespace is gone or terminating. An Event that exists already (the
// same request delivered twice) is not an error.
func (r *AuditReceiver) writeEvent(ctx context.Context, a detect.Alert) error {
	ev := r.event(a)
	err := r.Client.Create(ctx, ev)
	if a.Namespace != "" && a.Namespace != r.opts.Namespace && (apierrors.IsNotFound(err) || apierrors.IsForbidden(err)) {
		moved := a
		moved.Namespace = ""
		ev = r.event(moved)
		err = r.Client.Create(ctx, ev)
	}
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating event %s/%s: %w", ev.Namespace, ev.Name, err)
	}
	return nil
}

// event builds an alert's Event with the receiver as reporter.
func (r *AuditReceiver) event(a detect.Alert) *corev1.Event {
	ev := detect.KubeEvent(a, r.opts.Namespace)
	ev.ReportingController = "landfall.dev/" + detect.EventComponent
	ev.ReportingInstance = r.opts.Instance
	ev.Source.Host = r.opts.Instance
	return ev
}

// alertKeysAndValues are the log fields of an alert: who did what, never
// request bodies (alerts hold none).
func alertKeysAndValues(a detect.Alert) []any {
	kv := []any{
		"rule", a.Rule, "severity", a.Severity.String(), "techniques", a.Techniques,
		"user", a.User, "sourceIPs", a.SourceIPs, "verb", a.Verb, "object", a.Object(),
		"auditID", a.AuditID, "alert", a.Message,
	}
	if a.ImpersonatedUser != "" {
		kv = append(kv, "impersonatedUser", a.ImpersonatedUser)
	}
	return kv
}
