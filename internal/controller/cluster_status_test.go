package controller

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	fakeclient "sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/fleet"
)

func validKubeconfig(t *testing.T) []byte {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://10.0.0.1:6443", CertificateAuthorityData: []byte("CA")}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "very-secret-token"}
	cfg.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "c"
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestClusterReconciler_Status(t *testing.T) {
	t.Parallel()
	okProbe := &fleet.ProbeResult{Version: "v1.37.2", Nodes: 3, Zones: []string{"a", "b"}, Latency: 12 * time.Millisecond}
	tests := map[string]struct {
		cluster      *landfallv1alpha1.Cluster
		secretData   []byte
		probe        *stubProbe
		wantConds    []condition
		wantRequeue  time.Duration
		wantTerminal bool
		wantProbes   int
		wantMessage  string
	}{
		"reachable cluster is Ready with what the probe saw": {
			cluster:     clusterObj("prod", fromSecret("landfall-system", "prod-kubeconfig"), every(time.Minute)),
			probe:       &stubProbe{res: okProbe},
			wantConds:   []condition{{landfallv1alpha1.ReadyCondition, metav1.ConditionTrue, landfallv1alpha1.ClusterReachableReason}},
			wantRequeue: time.Minute,
			wantProbes:  1,
			wantMessage: "Kubernetes v1.37.2, 3 node(s), zones a, b, API latency 12ms",
		},
		"unreachable cluster is retried with backoff": {
			cluster:     clusterObj("prod", fromSecret("landfall-system", "prod-kubeconfig")),
			probe:       &stubProbe{err: errRefused},
			wantConds:   []condition{{landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, landfallv1alpha1.ClusterUnreachableReason}, {landfallv1alpha1.ReconcilingCondition, metav1.ConditionTrue, landfallv1alpha1.RetryingReason}},
			wantRequeue: time.Second,
			wantProbes:  1,
			wantMessage: "failed to reach cluster: " + errRefused.Error(),
		},
		"missing secret waits for it": {
			cluster:     clusterObj("prod", fromSecret("landfall-system", "nope")),
			probe:       &stubProbe{res: okProbe},
			wantConds:   []condition{{landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, landfallv1alpha1.SecretNotFoundReason}, {landfallv1alpha1.ReconcilingCondition, metav1.ConditionTrue, landfallv1alpha1.RetryingReason}},
			wantRequeue: time.Second,
			wantMessage: "failed to reach cluster: secret landfall-system/nope not found",
		},
		"garbage kubeconfig stalls without leaking it": {
			cluster:     clusterObj("prod", fromSecret("landfall-system", "prod-kubeconfig")),
			secretData:  []byte("token: very-secret-token\n\t:"),
			probe:       &stubProbe{res: okProbe},
			wantConds:   []condition{{landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, landfallv1alpha1.InvalidKubeConfigReason}, {landfallv1alpha1.StalledCondition, metav1.ConditionTrue, landfallv1alpha1.InvalidKubeConfigReason}},
			wantRequeue: landfallv1alpha1.DefaultClusterInterval,
			wantMessage: `failed to reach cluster: secret landfall-system/prod-kubeconfig key "kubeconfig": parsing kubeconfig: not a valid kubeconfig`,
		},
		"in-cluster uses the manager's own configuration": {
			cluster:     clusterObj("hub", inCluster),
			probe:       &stubProbe{res: okProbe},
			wantConds:   []condition{{landfallv1alpha1.ReadyCondition, metav1.ConditionTrue, landfallv1alpha1.ClusterReachableReason}},
			wantRequeue: landfallv1alpha1.DefaultClusterInterval,
			wantProbes:  1,
		},
		"neither kubeConfig nor inCluster is terminal": {
			cluster:      clusterObj("broken"),
			probe:        &stubProbe{res: okProbe},
			wantConds:    []condition{{landfallv1alpha1.ReadyCondition, metav1.ConditionFalse, landfallv1alpha1.InvalidSpecReason}, {landfallv1alpha1.StalledCondition, metav1.ConditionTrue, landfallv1alpha1.InvalidSpecReason}},
			wantTerminal: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			data := tt.secretData
			if data == nil {
				data = validKubeconfig(t)
			}
			c := fakeclient.NewClientBuilder().WithScheme(newScheme()).
				WithObjects(tt.cluster, kubeconfigSecret("landfall-system", "prod-kubeconfig", data)).
				WithStatusSubresource(&landfallv1alpha1.Cluster{}).Build()
			r := &ClusterReconciler{Client: c, APIReader: c, OwnConfig: &rest.Config{Host: "https://hub:6443"}, Probe: tt.probe.probe,
				retry: Backoff{Initial: time.Second, Max: 8 * time.Second}}

			res, err := r.Reconcile(t.Context(), ctrl.Request{NamespacedName: types.NamespacedName{Name: tt.cluster.Name}})
			if tt.wantTerminal {
				g.Expect(err).To(MatchError(reconcile.TerminalError(nil)))
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
			g.Expect(res.RequeueAfter).To(Equal(tt.wantRequeue))
			g.Expect(tt.probe.calls).To(Equal(tt.wantProbes))

			got := &landfallv1alpha1.Cluster{}
			g.Expect(c.Get(t.Context(), client.ObjectKeyFromObject(tt.cluster), got)).To(Succeed())
			g.Expect(conditionsOf(got)).To(Equal(tt.wantConds))
			if tt.wantMessage != "" {
				g.Expect(readyCondition(got).Message).To(Equal(tt.wantMessage))
			}
			for _, cond := range got.Status.Conditions {
				g.Expect(cond.Message).NotTo(ContainSubstring("very-secret-token"))
			}
		})
	}
}

func TestClusterReconciler_BackoffAndRecovery(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	cluster := clusterObj("edge", fromSecret("landfall-system", "prod-kubeconfig"), every(10*time.Second))
	c := fakeclient.NewClientBuilder().WithScheme(newScheme()).
		WithObjects(cluster, kubeconfigSecret("landfall-system", "prod-kubeconfig", validKubeconfig(t))).
		WithStatusSubresource(&landfallv1alpha1.Cluster{}).Build()
	probe := &stubProbe{err: errRefused}
	r := &ClusterReconciler{Client: c, APIReader: c, Probe: probe.probe, retry: Backoff{Initial: time.Second, Max: time.Minute}}
	req := ctrl.Request{NamespacedName: types.NamespacedName{Name: "edge"}}

	var delays []time.Duration
	for range 5 {
		res, err := r.Reconcile(t.Context(), req)
		g.Expect(err).NotTo(HaveOccurred())
		delays = append(delays, res.RequeueAfter)
	}
	// Doubles from 1s and is capped at the interval (10s): an unreachable
	// cluster is never probed less often than a healthy one.
	g.Expect(delays).To(Equal([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second}))
	g.Expect(probe.hosts).To(HaveEach("https://10.0.0.1:6443"))

	probe.err, probe.res = nil, &fleet.ProbeResult{Version: "v1.37.2", Nodes: 1}
	res, err := r.Reconcile(t.Context(), req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.RequeueAfter).To(Equal(10 * time.Second))
	got := &landfallv1alpha1.Cluster{}
	g.Expect(c.Get(t.Context(), req.NamespacedName, got)).To(Succeed())
	g.Expect(got).To(HaveReady(metav1.ConditionTrue))
	g.Expect(got.Status.ConsecutiveFailures).To(BeZero())
	g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
	g.Expect(conditionsOf(got)).To(HaveLen(1))
}

func TestBackoff_Delay(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	b := Backoff{Initial: 500 * time.Millisecond, Max: 3 * time.Second}
	g.Expect(b.Delay(0)).To(Equal(500 * time.Millisecond))
	g.Expect(b.Delay(1)).To(Equal(500 * time.Millisecond))
	g.Expect(b.Delay(3)).To(Equal(2 * time.Second))
	g.Expect(b.Delay(4)).To(Equal(3 * time.Second))
	g.Expect(b.Delay(100)).To(Equal(3 * time.Second))
}
