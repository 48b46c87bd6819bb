package controller

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

// postureScanTimeout bounds one live scan.
const postureScanTimeout = 10 * time.Minute

// postureClusterName names the manager's own cluster in the findings'
// sources; nothing shows it.
const postureClusterName = "in-cluster"

// RBAC of the PostureReport reconciler. The live scan LISTs every kind
// the checks need (live.NeededKinds: workloads, pods, services, ingresses,
// network policies, RBAC objects, webhook configurations, namespaces,
// service accounts, config maps, secrets, quotas and limit ranges), never
// GETs or writes them; the kinds whose changes trigger a scan are also
// watched, as metadata except RoleBindings (shared with the Space
// reconciler's informer). Secrets are listed only with spec.readSecrets,
// and then in full: the service-account-token check reads their type,
// which metadata lacks. Their data stays in memory for the scan only and
// no check quotes it; the manager could already list Secrets
// (TemplateInstance pruning). A kind left out of this role is reported
// "not assessed: forbidden".
//
// +kubebuilder:rbac:groups=landfall.dev,resources=posturereports,verbs=get;list;watch;create
// +kubebuilder:rbac:groups=landfall.dev,resources=posturereports/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=landfall.dev,resources=posturefindings,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups="",resources=namespaces;pods;services,verbs=list;watch
// +kubebuilder:rbac:groups="",resources=configmaps;secrets;serviceaccounts;limitranges;resourcequotas;replicationcontrollers,verbs=list
// +kubebuilder:rbac:groups=apps,resources=deployments;daemonsets;statefulsets;replicasets,verbs=list
// +kubebuilder:rbac:groups=batch,resources=jobs;cronjobs,verbs=list
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses,verbs=list
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=list;watch
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles;clusterroles,verbs=list
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=rolebindings;clusterrolebindings,verbs=list;watch
// +kubebuilder:rbac:groups=admissionregistration.k8s.io,resources=mutatingwebhookconfigurations;validatingwebhookconfigurations,verbs=list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// PostureReportReconciler keeps the PostureReport up to date: it runs the
// live posture scan with the manager's own identity every spec.interval,
// and sooner when a watched object changes (at most once per
// spec.minInterval), then writes the summary into the report's status
// with one patch and the findings into one PostureFindings object per
// namespace (server-side apply, skipped when unchanged), deleting those of
// namespaces that became clean. It also exports the summary as Prometheus
// metrics.
//
// The report counts exactly the findings of the PostureFindings the scan
// left and of status.clusterFindings: namespaces being deleted (or whose
// PostureFindings could not be created because they are gone) are left
// out of both. Since the PostureFindings are written before the status,
// by one worker, listing them at the report's resourceVersion
// (resourceVersionMatch=Exact) shows the set the status summarises, even
// while the next scan is writing.
type PostureReportReconciler struct {
	// Clients.

	// Client reads PostureReports (cached), patches their status and
	// applies and deletes PostureFindings.
	client.Client
	// APIReader lists PostureFindings metadata uncached, so the manager
	// caches no findings.
	APIReader client.Reader
	// Recorder emits events on Ready transitions.
	Recorder events.EventRecorder

	// Inputs.

	// OwnConfig is the identity and cluster the scan uses: the manager's.
	OwnConfig *rest.Config
	// Registry holds the checks; nil means every built-in check that
	// makes sense on a live cluster.
	Registry *posture.Registry
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Set by SetupWithManager.
	retry   Backoff
	metrics *postureMetrics
	started time.Time

	// State between reconciles (one worker: the report is a singleton).

	// changed is set when a watched object changes and cleared when a
	// scan starts.
	changed atomic.Bool
	// mu guards lastAttempt.
	mu sync.Mutex
	// lastAttempt is when the last scan started, successful or not.
	lastAttempt time.Time
}

// Reconcile scans the cluster when a scan is due and patches the report's
// status once, at the end; otherwise it waits for the next due time.
func (r *PostureReportReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.PostureReport{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			// No report, no posture: stale gauges would mislead alerts.
			r.metrics.reset()
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() || obj.Spec.Suspend {
		// The PostureFindings are owned by the report: the garbage
		// collector deletes them with it.
		return ctrl.Result{}, nil
	}
	if wait := scanWait(obj, r.now(), r.lastAttemptTime(), r.changed.Load()); wait > 0 {
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	base := obj.DeepCopy()
	defer func() {
		result, retErr = r.finalizeStatus(ctx, base, obj, retErr)
	}()
	if obj.Generation != obj.Status.ObservedGeneration {
		meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{
			Type: landfallv1alpha1.ReconcilingCondition, Status: metav1.ConditionTrue,
			Reason: landfallv1alpha1.ProgressingReason, Message: fmt.Sprintf("scanning for generation %d", obj.Generation),
			ObservedGeneration: obj.Generation,
		})
	}
	return ctrl.Result{}, r.reconcile(ctx, obj)
}

// scanWait returns how long to wait before the next scan, 0 for now. No
// scan starts sooner than minInterval after the last one started; after
// that one is due when something changed, the spec changed, the last scan
// failed or there was none, and otherwise interval after the last success.
func scanWait(obj *landfallv1alpha1.PostureReport, now, lastAttempt time.Time, changed bool) time.Duration {
	if !lastAttempt.IsZero() {
		if since := now.Sub(lastAttempt); since < obj.GetMinInterval() {
			return obj.GetMinInterval() - since
		}
	}
	last := obj.Status.LastScanTime
	if changed || last == nil || obj.Generation != obj.Status.ObservedGeneration ||
		!meta.IsStatusConditionTrue(obj.Status.Conditions, landfallv1alpha1.ReadyCondition) {
		return 0
	}
	if next := last.Add(obj.GetInterval()); next.After(now) {
		return next.Sub(now)
	}
	return 0
}

// reconcile scans the cluster and writes what it found.
func (r *PostureReportReconciler) reconcile(ctx context.Context, obj *landfallv1alpha1.PostureReport) error {
	r.changed.Store(false)
	start := r.now()
	r.mu.Lock()
	r.lastAttempt = start
	r.mu.Unlock()

	scan, err := r.scan(ctx, obj)
	duration := r.now().Sub(start)
	if err != nil {
		r.metrics.failed()
		return retryError(landfallv1alpha1.PostureScanFailedReason, fmt.Errorf("scanning the cluster: %w", err))
	}
	c := scan.completeness
	if c.Assessed == 0 && c.Needed > 0 {
		r.metrics.failed()
		return stallError(landfallv1alpha1.PostureScanIncompleteReason,
			fmt.Errorf("no object kind could be listed (0 of %d assessed): grant the manager list on them", c.Needed))
	}
	skipped, err := r.writeFindings(ctx, obj, scan.namespaces)
	if err != nil {
		r.metrics.failed()
		return retryError(landfallv1alpha1.PostureScanFailedReason, fmt.Errorf("writing findings: %w", err))
	}
	scan.drop(skipped...)
	// One time for the status and the gauges: the same scan.
	end := r.now()
	scan.setStatus(&obj.Status, metav1.NewTime(end), duration)
	r.metrics.record(scan, duration, end)
	return nil
}

// scan runs the live scan with the manager's identity and sorts the
// findings out, honouring landfall.dev/ignore annotations as
// `landfall scan --cluster` does.
func (r *PostureReportReconciler) scan(ctx context.Context, obj *landfallv1alpha1.PostureReport) (*postureScan, error) {
	if r.OwnConfig == nil {
		return nil, errors.New("the manager has no client configuration to scan with")
	}
	reg := r.Registry
	if reg == nil {
		var err error
		if reg, err = defaultPostureRegistry(); err != nil {
			return nil, err
		}
	}
	reg, skipped := secretChecks(reg, obj.Spec.ReadSecrets)
	ctx, cancel := context.WithTimeout(ctx, postureScanTimeout)
	defer cancel()
	matcher := exception.NewMatcher(nil, exception.Options{Now: r.now()})
	counter := newObjectCounter()
	opts := live.Options{
		Cluster: postureClusterName,
		OnObject: func(o *posture.Object) {
			matcher.Observe(o)
			counter.add(o)
		},
	}
	analysis := live.NewRBACAnalysis(&opts)
	res, err := live.Scan(ctx, r.OwnConfig, reg, opts)
	if err != nil {
		return nil, err
	}
	res.Completeness.ChecksNotAssessed = append(res.Completeness.ChecksNotAssessed, skipped...)
	// Risky permissions per subject and attack paths, from the RBAC
	// objects and workloads the scan read (none when it could not read all
	// of RBAC; the completeness already names what it could not list).
	rbacFindings, _ := analysis.Findings(res, opts)
	all := posture.SortFindings(append(res.Findings, rbacFindings...))
	kept := make([]posture.Finding, 0, len(all))
	suppressed := 0
	for i := range all {
		if _, ok := matcher.Match(&all[i]); ok {
			suppressed++
			continue
		}
		kept = append(kept, all[i])
	}
	s := newPostureScan(obj, res, kept, suppressed, counter.counts())
	// A namespace being deleted is left out: what is in it is going away,
	// and its PostureFindings can no longer be created.
	s.drop(counter.terminatingNamespaces()...)
	return s, nil
}

// finalizeStatus turns the outcome into conditions and a result (the one
// place errors are mapped to results), then patches the status once.
func (r *PostureReportReconciler) finalizeStatus(ctx context.Context, base, obj *landfallv1alpha1.PostureReport, err error) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	result, retErr := r.summarize(obj, err)
	wasReady := meta.FindStatusCondition(base.Status.Conditions, landfallv1alpha1.ReadyCondition)
	ready := meta.FindStatusCondition(obj.Status.Conditions, landfallv1alpha1.ReadyCondition)

	if !equality.Semantic.DeepEqual(base.Status, obj.Status) {
		if perr := r.Status().Patch(ctx, obj, client.MergeFrom(base)); perr != nil {
			if apierrors.IsNotFound(perr) {
				return ctrl.Result{}, nil
			}
			return ctrl.Result{}, errors.Join(retErr, fmt.Errorf("patching status: %w", perr))
		}
	}
	if err != nil {
		log.Error(err, "posture scan failed", "reason", ready.Reason, "retryAfter", result.RequeueAfter)
	} else {
		log.V(1).Info("posture scanned", "objects", obj.Status.Objects, "findings", obj.Status.Findings,
			"score", obj.Status.Score, "duration", obj.Status.ScanDuration, "requeueAfter", result.RequeueAfter)
	}
	if wasReady == nil || wasReady.Status != ready.Status || wasReady.Reason != ready.Reason {
		r.event(obj, ready)
	}
	return result, retErr
}

// summarize sets Ready, Reconciling and Stalled from the outcome and
// returns the result: the RequeueAfter of the next scan, or an error for
// controller-runtime's rate limiter. A retry waits at most the scan
// interval.
func (r *PostureReportReconciler) summarize(obj *landfallv1alpha1.PostureReport, err error) (ctrl.Result, error) {
	reason := landfallv1alpha1.PostureScannedReason
	if len(obj.Status.Completeness.NotAssessed) > 0 {
		reason = landfallv1alpha1.PostureScanIncompleteReason
	}
	return summarizePeriodic(periodicStatus{
		conditions: &obj.Status.Conditions, observed: &obj.Status.ObservedGeneration, failures: &obj.Status.ConsecutiveFailures,
		generation: obj.Generation, interval: obj.GetInterval(), maxRetry: obj.GetInterval(),
	}, err, r.retry, reason, postureReadyMessage(&obj.Status), "failed to scan: ")
}

// postureReadyMessage summarises a successful scan.
func postureReadyMessage(s *landfallv1alpha1.PostureReportStatus) string {
	score := int32(0)
	if s.Score != nil {
		score = *s.Score
	}
	msg := fmt.Sprintf("%d findings (%d critical, %d high) in %d objects, score %d; %d of %d kinds assessed",
		s.Findings, s.Severities.Critical, s.Severities.High, s.Objects, score,
		s.Completeness.KindsAssessed, s.Completeness.KindsNeeded)
	if len(s.Completeness.NotAssessed) > 0 {
		var kinds []string
		for _, k := range s.Completeness.NotAssessed {
			kinds = append(kinds, k.Kind+" ("+k.Reason+")")
		}
		msg += "; " + strings.Join(kinds, ", ")
	}
	return msg
}

// event records a Ready transition: Normal when Ready, Warning otherwise,
// with the condition's reason.
func (r *PostureReportReconciler) event(obj *landfallv1alpha1.PostureReport, ready *metav1.Condition) {
	if r.Recorder == nil || ready == nil {
		return
	}
	kind := corev1.EventTypeNormal
	if ready.Status != metav1.ConditionTrue {
		kind = corev1.EventTypeWarning
	}
	r.Recorder.Eventf(obj, nil, kind, ready.Reason, "Scan", "%s", ready.Message)
}

func (r *PostureReportReconciler) lastAttemptTime() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastAttempt
}

func (r *PostureReportReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
