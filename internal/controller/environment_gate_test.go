package controller

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// TestEnvironmentReconciler_GateBlocksPrivilegedDaemonSet: a commit that
// adds a privileged DaemonSet (and changes a ConfigMap) is blocked: the
// finding is in status, nothing of the commit reaches the cluster, and an
// exception for exactly that DaemonSet lets the revision through.
func TestEnvironmentReconciler_GateBlocksPrivilegedDaemonSet(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	ctx := context.Background()
	platform, dev := newNamespace(t, "delivery", nil), newNamespace(t, "dev", nil)
	grantAdmin(t, platform, deployer, dev)
	repo := dt.NewRepo(t, map[string]string{"dev/cm.yaml": dt.ConfigMap("settings", dev, "level", "1")})
	good := repo.Head(t)
	createEnv(t, environment(platform, "dev", repo.Bare, "dev"))
	waitApplied(t, platform, "dev", good)

	bad := repo.Commit(t, "add node agent", map[string]string{
		"dev/cm.yaml":    dt.ConfigMap("settings", dev, "level", "2"),
		"dev/agent.yaml": dt.PrivilegedDaemonSet("node-agent", dev),
	})
	e := waitReason(t, platform, "dev", bad, landfallv1alpha1.GateBlockedReason)
	ready := envReady(e)
	g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
	g.Expect(ready.Message).To(ContainSubstring("privileged-container (critical) on DaemonSet/" + dev + "/node-agent"))
	g.Expect(e.Status.Gate).NotTo(BeNil())
	g.Expect(e.Status.Gate.Blocked).To(BeTrue())
	g.Expect(e.Status.Gate.Revision).To(Equal(bad))
	g.Expect(e.Status.Gate.MinSeverity).To(Equal("high"))
	g.Expect(e.Status.Gate.Blocking).To(ContainElement(And(
		HaveField("Check", "privileged-container"),
		HaveField("Severity", "critical"),
		HaveField("Object", "DaemonSet/"+dev+"/node-agent"),
		HaveField("Source", HavePrefix("dev/agent.yaml")),
	)))
	g.Expect(e.Status.Gate.Tactics).To(ContainElement(HaveField("Tactic", "privilege-escalation")))
	g.Expect(e.Status.History[0].Result).To(Equal(landfallv1alpha1.SyncBlocked))
	g.Expect(e.Status.History[0].Revision).To(Equal(bad))
	g.Expect(conditionStatus(e, landfallv1alpha1.StalledCondition)).To(Equal(metav1.ConditionTrue))

	// The cluster is unchanged: no DaemonSet, the old ConfigMap.
	g.Expect(e.Status.LastAppliedRevision).To(Equal(good))
	g.Expect(exists(&appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "node-agent"}})).To(BeFalse())
	g.Expect(configMapData(dev, "settings")).To(HaveKeyWithValue("level", "1"))
	g.Expect(inventoryIDs(e)).To(ConsistOf(cmID(dev, "settings")))

	// An exception for that DaemonSet's privileged container lets it in.
	patch := client.MergeFrom(e.DeepCopy())
	e.Spec.Gate.Exceptions.Inline = []landfallv1alpha1.GateException{{
		Checks:   []string{"privileged-container", "host-*", "run-as-root", "dangerous-capabilities"},
		Resource: landfallv1alpha1.GateExceptionResource{Kind: "DaemonSet", Name: "node-agent"},
		Reason:   "the node agent needs the host (test)",
	}}
	g.Expect(suite.client.Patch(ctx, e, patch)).To(Succeed())
	e = waitApplied(t, platform, "dev", bad)
	g.Expect(e.Status.Gate.Blocked).To(BeFalse())
	g.Expect(e.Status.Gate.Excepted).To(BeNumerically(">=", 1))
	g.Expect(exists(&appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: dev, Name: "node-agent"}})).To(BeTrue())
	g.Expect(configMapData(dev, "settings")).To(HaveKeyWithValue("level", "2"))
}
