package controller

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// ProbeFunc looks at a cluster; fleet.Probe in production.
type ProbeFunc func(ctx context.Context, cfg *rest.Config, timeout time.Duration) (*fleet.ProbeResult, error)

// +kubebuilder:rbac:groups=landfall.dev,resources=clusters,verbs=get;list;watch
// +kubebuilder:rbac:groups=landfall.dev,resources=clusters/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// ClusterReconciler probes every registered Cluster and records what it saw
// in the status: Ready with the version, nodes, zones and latency, or why
// not. Unreachable clusters are retried with backoff through RequeueAfter;
// each probe is bounded by spec.timeout and several run in parallel, so no
// cluster holds up the others. Kubeconfig Secrets are read uncached, only
// here, and never logged or copied into status or events.
type ClusterReconciler struct {
	// Clients.

	// Client reads Clusters (cached) and patches their status.
	client.Client
	// APIReader reads kubeconfig Secrets without caching them.
	APIReader client.Reader
	// Recorder emits events on Ready transitions.
	Recorder events.EventRecorder

	// Inputs.

	// OwnConfig reaches the manager's own cluster, for inCluster: true.
	OwnConfig *rest.Config
	// Probe looks at a cluster; nil means fleet.Probe.
	Probe ProbeFunc
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Set by SetupWithManager.
	retry Backoff
}

// Reconcile probes one Cluster and patches its status once, at the end.
func (r *ClusterReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &landfallv1alpha1.Cluster{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		// Nothing to clean up: the kubeconfig Secret belongs to whoever
		// created it.
		return ctrl.Result{}, nil
	}
	base := obj.DeepCopy()
	defer func() {
		result, retErr = r.finalizeStatus(ctx, base, obj, retErr)
	}()

	if obj.Generation != obj.Status.ObservedGeneration {
		meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{
			Type: landfallv1alpha1.ReconcilingCondition, Status: metav1.ConditionTrue,
			Reason: landfallv1alpha1.ProgressingReason, Message: fmt.Sprintf("probing generation %d", obj.Generation),
			ObservedGeneration: obj.Generation,
		})
	}
	return ctrl.Result{}, r.reconcile(ctx, obj)
}

// reconcile runs the phases: resolve how to reach the cluster, then probe it.
func (r *ClusterReconciler) reconcile(ctx context.Context, obj *landfallv1alpha1.Cluster) error {
	cfg, err := r.restConfig(ctx, obj)
	if err != nil {
		return err
	}
	return r.probe(ctx, obj, cfg)
}

// restConfig resolves the client configuration of the cluster: the
// manager's own for inCluster, or the kubeconfig in the referenced Secret.
func (r *ClusterReconciler) restConfig(ctx context.Context, obj *landfallv1alpha1.Cluster) (*rest.Config, error) {
	ref := obj.Spec.KubeConfig
	switch {
	case obj.Spec.InCluster && ref == nil:
		if r.OwnConfig == nil {
			return nil, terminalError(landfallv1alpha1.InvalidSpecReason, errors.New("inCluster is set but the manager has no in-cluster configuration"))
		}
		return rest.CopyConfig(r.OwnConfig), nil
	case obj.Spec.InCluster == (ref != nil):
		return nil, terminalError(landfallv1alpha1.InvalidSpecReason, errors.New("set exactly one of kubeConfig and inCluster"))
	}
	var secret corev1.Secret
	key := types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}
	if err := r.APIReader.Get(ctx, key, &secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, retryError(landfallv1alpha1.SecretNotFoundReason, fmt.Errorf("secret %s not found", key))
		}
		return nil, fmt.Errorf("reading secret %s: %w", key, err)
	}
	data, ok := secret.Data[ref.GetKey()]
	if !ok {
		return nil, retryError(landfallv1alpha1.SecretNotFoundReason, fmt.Errorf("secret %s has no key %q", key, ref.GetKey()))
	}
	cfg, err := fleet.RESTConfigFromKubeconfig(data)
	if err != nil {
		return nil, stallError(landfallv1alpha1.InvalidKubeConfigReason, fmt.Errorf("secret %s key %q: %w", key, ref.GetKey(), err))
	}
	return cfg, nil
}

// probe looks at the cluster and records what it saw.
func (r *ClusterReconciler) probe(ctx context.Context, obj *landfallv1alpha1.Cluster, cfg *rest.Config) error {
	probe := r.Probe
	if probe == nil {
		probe = fleet.Probe
	}
	res, err := probe(ctx, cfg, obj.GetTimeout())
	now := metav1.NewTime(r.now())
	obj.Status.LastProbeTime = &now
	if err != nil {
		return retryError(landfallv1alpha1.ClusterUnreachableReason, err)
	}
	nodes := int32(min(res.Nodes, math.MaxInt32)) //nolint:gosec // G115: clamped to MaxInt32 first
	obj.Status.KubernetesVersion = res.Version
	obj.Status.NodeCount = &nodes
	obj.Status.Zones = res.Zones
	obj.Status.APILatency = &metav1.Duration{Duration: res.Latency.Round(time.Millisecond)}
	return nil
}

// finalizeStatus turns the outcome into conditions and a result (the one
// place errors are mapped to results), then patches the status once.
func (r *ClusterReconciler) finalizeStatus(ctx context.Context, base, obj *landfallv1alpha1.Cluster, err error) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	result, retErr := r.summarize(obj, err)
	wasReady := meta.IsStatusConditionTrue(base.Status.Conditions, landfallv1alpha1.ReadyCondition)
	ready := meta.FindStatusCondition(obj.Status.Conditions, landfallv1alpha1.ReadyCondition)

	if perr := r.Status().Patch(ctx, obj, client.MergeFrom(base)); perr != nil {
		if apierrors.IsNotFound(perr) {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, errors.Join(retErr, fmt.Errorf("patching status: %w", perr))
	}
	if err != nil {
		log.Error(err, "cluster not ready", "reason", ready.Reason, "retryAfter", result.RequeueAfter)
	} else {
		log.V(1).Info("cluster ready", "version", obj.Status.KubernetesVersion, "nodes", obj.Status.NodeCount, "requeueAfter", result.RequeueAfter)
	}
	if isReady := ready.Status == metav1.ConditionTrue; isReady != wasReady || base.Status.Conditions == nil {
		r.event(obj, ready)
	}
	return result, retErr
}

// summarize sets Ready, Reconciling and Stalled from the outcome and
// returns the result: the RequeueAfter of the next probe, or a terminal
// error. A retry waits at most the probe interval (at least the first
// backoff).
func (r *ClusterReconciler) summarize(obj *landfallv1alpha1.Cluster, err error) (ctrl.Result, error) {
	return summarizePeriodic(periodicStatus{
		conditions: &obj.Status.Conditions, observed: &obj.Status.ObservedGeneration, failures: &obj.Status.ConsecutiveFailures,
		generation: obj.Generation, interval: obj.GetInterval(), maxRetry: max(obj.GetInterval(), r.retry.Initial),
	}, err, r.retry, landfallv1alpha1.ClusterReachableReason, readyMessage(obj), "failed to reach cluster: ")
}

// readyMessage summarises a successful probe.
func readyMessage(obj *landfallv1alpha1.Cluster) string {
	s := obj.Status
	nodes := int32(0)
	if s.NodeCount != nil {
		nodes = *s.NodeCount
	}
	zones := "no zones"
	if len(s.Zones) > 0 {
		zones = "zones " + strings.Join(s.Zones, ", ")
	}
	latency := time.Duration(0)
	if s.APILatency != nil {
		latency = s.APILatency.Duration
	}
	return fmt.Sprintf("Kubernetes %s, %d node(s), %s, API latency %s", s.KubernetesVersion, nodes, zones, latency)
}

// event records a Ready transition: Normal when Ready, Warning otherwise,
// with the condition's reason.
func (r *ClusterReconciler) event(obj *landfallv1alpha1.Cluster, ready *metav1.Condition) {
	if r.Recorder == nil || ready == nil {
		return
	}
	kind := corev1.EventTypeNormal
	if ready.Status != metav1.ConditionTrue {
		kind = corev1.EventTypeWarning
	}
	r.Recorder.Eventf(obj, nil, kind, ready.Reason, "Probe", "%s", ready.Message)
}

func (r *ClusterReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
