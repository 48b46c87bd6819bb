package controller

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// newScheme returns a scheme with the built-in and Landfall types.
func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilMust(clientgoscheme.AddToScheme(s))
	utilMust(landfallv1alpha1.AddToScheme(s))
	return s
}

func utilMust(err error) {
	if err != nil {
		panic(err)
	}
}

// clusterObj builds a Cluster with modifiers.
func clusterObj(name string, mods ...func(*landfallv1alpha1.Cluster)) *landfallv1alpha1.Cluster {
	c := &landfallv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
	for _, m := range mods {
		m(c)
	}
	return c
}

// fromSecret points the cluster at a kubeconfig Secret.
func fromSecret(ns, name string) func(*landfallv1alpha1.Cluster) {
	return func(c *landfallv1alpha1.Cluster) {
		c.Spec.KubeConfig = &landfallv1alpha1.KubeConfigReference{Namespace: ns, Name: name}
	}
}

// inCluster marks the cluster as the manager's own.
func inCluster(c *landfallv1alpha1.Cluster) { c.Spec.InCluster = true }

// every sets spec.interval.
func every(d time.Duration) func(*landfallv1alpha1.Cluster) {
	return func(c *landfallv1alpha1.Cluster) { c.Spec.Interval = &metav1.Duration{Duration: d} }
}

// kubeconfigSecret builds a Secret holding data under "kubeconfig".
func kubeconfigSecret(ns, name string, data []byte) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Data:       map[string][]byte{landfallv1alpha1.DefaultKubeConfigKey: data},
	}
}

// condition is one expected condition: type, status, reason.
type condition struct {
	Type   string
	Status metav1.ConditionStatus
	Reason string
}

// conditionsOf reduces conditions to type/status/reason, sorted by type.
func conditionsOf(c *landfallv1alpha1.Cluster) []condition {
	var out []condition
	for _, t := range []string{landfallv1alpha1.ReadyCondition, landfallv1alpha1.ReconcilingCondition, landfallv1alpha1.StalledCondition} {
		if cond := meta.FindStatusCondition(c.Status.Conditions, t); cond != nil {
			out = append(out, condition{cond.Type, cond.Status, cond.Reason})
		}
	}
	return out
}

// readyCondition returns the Ready condition or an empty one.
func readyCondition(c *landfallv1alpha1.Cluster) metav1.Condition {
	if cond := meta.FindStatusCondition(c.Status.Conditions, landfallv1alpha1.ReadyCondition); cond != nil {
		return *cond
	}
	return metav1.Condition{}
}

// HaveReady matches a Cluster whose Ready condition has the status.
func HaveReady(status metav1.ConditionStatus) OmegaMatcher {
	return WithTransform(func(c *landfallv1alpha1.Cluster) metav1.ConditionStatus { return readyCondition(c).Status }, Equal(status))
}

// stubProbe answers every probe with res or err and counts calls.
type stubProbe struct {
	res   *fleet.ProbeResult
	err   error
	calls int
	hosts []string
}

func (s *stubProbe) probe(_ context.Context, cfg *rest.Config, _ time.Duration) (*fleet.ProbeResult, error) {
	s.calls++
	s.hosts = append(s.hosts, cfg.Host)
	return s.res, s.err
}

var errRefused = errors.New(`Get "https://10.0.0.1:6443/version": dial tcp 10.0.0.1:6443: connect: connection refused`)
