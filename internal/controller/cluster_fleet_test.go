package controller

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/fleet"
	"github.com/landfall-dev/landfall/internal/localcluster"
)

// spokeOptions are the second control plane's: one node, its own zone,
// a fixed directory so a restart keeps its CA, data and ports.
func spokeOptions(dir string) localcluster.Options {
	return localcluster.Options{Dir: dir, Nodes: 1, Zones: []string{"spoke-x"}, FastStorage: true}
}

func startSpoke(t *testing.T, dir string) *localcluster.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	c, err := localcluster.Start(ctx, spokeOptions(dir))
	if err != nil {
		t.Fatalf("starting spoke control plane: %v", err)
	}
	return c
}

// ensureNamespace creates the namespace unless it exists.
func ensureNamespace(t *testing.T, name string) {
	t.Helper()
	err := suite.client.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
}

// getCluster fetches a Cluster for Eventually.
func getCluster(ctx context.Context, name string) func(g Gomega) *landfallv1alpha1.Cluster {
	return func(g Gomega) *landfallv1alpha1.Cluster {
		c := &landfallv1alpha1.Cluster{}
		g.Expect(suite.client.Get(ctx, client.ObjectKey{Name: name}, c)).To(Succeed())
		return c
	}
}

func TestClusterReconciler_TwoControlPlanes(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := t.Context()
	dir := t.TempDir()
	spoke := startSpoke(t, dir)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = spoke.Stop()
		}
	})

	// Register the hub as the manager's own cluster and the spoke through a
	// kubeconfig Secret, as `landfall cluster add` does.
	ensureNamespace(t, fleet.SystemNamespace)
	data, err := fleet.PrepareKubeconfig(spoke.AdminKubeconfig(), "")
	g.Expect(err).NotTo(HaveOccurred())
	secret := kubeconfigSecret(fleet.SystemNamespace, "spoke-kubeconfig", data)
	g.Expect(suite.client.Create(ctx, secret)).To(Succeed())
	hubCluster := clusterObj("hub", inCluster, every(time.Second))
	spokeCluster := clusterObj("spoke", fromSecret(fleet.SystemNamespace, "spoke-kubeconfig"), every(time.Second),
		func(c *landfallv1alpha1.Cluster) { c.Spec.Timeout = &metav1.Duration{Duration: 2 * time.Second} })
	for _, obj := range []client.Object{hubCluster, spokeCluster} {
		g.Expect(suite.client.Create(ctx, obj)).To(Succeed())
	}
	t.Cleanup(func() {
		for _, obj := range []client.Object{hubCluster, spokeCluster, secret} {
			_ = suite.client.Delete(context.Background(), obj)
		}
	})

	// Both Ready, each with what is really there.
	g.Eventually(getCluster(ctx, "hub"), 30*time.Second, 100*time.Millisecond).Should(SatisfyAll(
		HaveReady(metav1.ConditionTrue),
		HaveField("Status.KubernetesVersion", HavePrefix("v1.37")),
		HaveField("Status.NodeCount", HaveValue(BeEquivalentTo(2))),
		HaveField("Status.Zones", Equal([]string{"hub-a", "hub-b"})),
		HaveField("Status.APILatency", Not(BeNil())),
	))
	g.Eventually(getCluster(ctx, "spoke"), 30*time.Second, 100*time.Millisecond).Should(SatisfyAll(
		HaveReady(metav1.ConditionTrue),
		HaveField("Status.KubernetesVersion", HavePrefix("v1.37")),
		HaveField("Status.NodeCount", HaveValue(BeEquivalentTo(1))),
		HaveField("Status.Zones", Equal([]string{"spoke-x"})),
	))
	spokeReady := getCluster(ctx, "spoke")(g)
	g.Expect(spokeReady.Status.ObservedGeneration).To(Equal(spokeReady.Generation))
	g.Expect(readyCondition(spokeReady).Message).To(HavePrefix("Kubernetes v1.37"))

	// Stop the spoke: it goes NotReady with a reason, the hub stays Ready
	// and keeps being probed.
	g.Expect(spoke.Stop()).To(Succeed())
	stopped = true
	g.Eventually(getCluster(ctx, "spoke"), 30*time.Second, 100*time.Millisecond).Should(SatisfyAll(
		HaveReady(metav1.ConditionFalse),
		WithTransform(readyCondition, HaveField("Reason", landfallv1alpha1.ClusterUnreachableReason)),
		WithTransform(conditionsOf, ContainElement(condition{landfallv1alpha1.ReconcilingCondition, metav1.ConditionTrue, landfallv1alpha1.RetryingReason})),
		HaveField("Status.ConsecutiveFailures", BeNumerically(">=", 1)),
	))
	g.Expect(readyCondition(getCluster(ctx, "spoke")(g)).Message).NotTo(ContainSubstring("BEGIN"))
	before := getCluster(ctx, "hub")(g).Status.LastProbeTime.Time
	g.Consistently(getCluster(ctx, "hub"), 3*time.Second, 200*time.Millisecond).Should(HaveReady(metav1.ConditionTrue))
	g.Expect(getCluster(ctx, "hub")(g).Status.LastProbeTime.Time).To(BeTemporally(">", before))
	g.Expect(getCluster(ctx, "spoke")(g).Status.ConsecutiveFailures).To(BeNumerically(">=", 2), "retried while down")

	// Restart it with the same directory: it recovers on its own.
	spoke = startSpoke(t, dir)
	stopped = false
	g.Eventually(getCluster(ctx, "spoke"), 30*time.Second, 100*time.Millisecond).Should(SatisfyAll(
		HaveReady(metav1.ConditionTrue),
		HaveField("Status.ConsecutiveFailures", BeZero()),
		HaveField("Status.NodeCount", HaveValue(BeEquivalentTo(1))),
	))
	g.Expect(conditionsOf(getCluster(ctx, "spoke")(g))).To(HaveLen(1), "Reconciling and Stalled are removed")
}
