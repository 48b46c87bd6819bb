package fleet

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// registered builds a registered, Ready cluster.
func registered(name string, mods ...func(*landfallv1alpha1.Cluster)) landfallv1alpha1.Cluster {
	c := landfallv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
	c.Spec.Purpose = name
	c.Status.Conditions = []metav1.Condition{{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionTrue, Reason: landfallv1alpha1.ClusterReachableReason}}
	for _, m := range mods {
		m(&c)
	}
	return c
}

func envs(e ...string) func(*landfallv1alpha1.Cluster) {
	return func(c *landfallv1alpha1.Cluster) { c.Spec.Environments = e }
}

func zonesSeen(z ...string) func(*landfallv1alpha1.Cluster) {
	return func(c *landfallv1alpha1.Cluster) { c.Status.Zones = z }
}

func notReady(c *landfallv1alpha1.Cluster) {
	c.Status.Conditions[0].Status = metav1.ConditionFalse
	c.Status.Conditions[0].Reason = landfallv1alpha1.ClusterUnreachableReason
	c.Status.Conditions[0].Message = "connection refused"
}

func kinds(ds []Deviation) []DeviationKind {
	var out []DeviationKind
	for _, d := range ds {
		out = append(out, d.Kind)
	}
	return out
}

func TestCheckDrift(t *testing.T) {
	t.Parallel()
	p := loadExample(t, "typical")
	plan := mustPlan(t, p)
	abc := zonesSeen("a", "b", "c")
	tests := map[string]struct {
		fleet []landfallv1alpha1.Cluster
		want  []DeviationKind
	}{
		"fleet that follows the plan": {
			fleet: []landfallv1alpha1.Cluster{registered("dev", envs("dev"), abc), registered("staging", envs("staging"), abc), registered("prod", envs("prod"), abc)},
			want:  nil,
		},
		"production sharing a cluster with dev": {
			fleet: []landfallv1alpha1.Cluster{registered("shared", envs("dev", "prod"), abc), registered("staging", envs("staging"), abc)},
			want:  []DeviationKind{DeviationProductionShared, DeviationClusterCount},
		},
		"single-zone production cluster": {
			fleet: []landfallv1alpha1.Cluster{registered("dev", envs("dev"), abc), registered("staging", envs("staging"), abc), registered("prod", envs("prod"), zonesSeen("a"))},
			want:  []DeviationKind{DeviationSingleZoneProduction},
		},
		"missing and unknown environments, an unreachable cluster": {
			fleet: []landfallv1alpha1.Cluster{registered("dev", envs("dev"), abc), registered("qa", envs("qa"), abc, notReady), registered("prod", envs("prod"), abc)},
			want:  []DeviationKind{DeviationUnknownEnvironment, DeviationNotReady, DeviationMissingEnvironment},
		},
		"empty fleet": {
			fleet: nil,
			want:  []DeviationKind{DeviationMissingEnvironment, DeviationMissingEnvironment, DeviationMissingEnvironment, DeviationClusterCount},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			got := CheckDrift(p, plan, TopologyPerEnvironment, tt.fleet)
			g.Expect(kinds(got)).To(Equal(tt.want), "%+v", got)
		})
	}
}

func TestCheckDrift_MessagesNameTheClusters(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "typical")
	got := CheckDrift(p, mustPlan(t, p), TopologyPerEnvironment, []landfallv1alpha1.Cluster{
		registered("everything", envs("dev", "staging", "prod"), zonesSeen("a")),
	})
	g.Expect(got[0].Message).To(Equal("production (prod) shares cluster everything with dev, staging; the plan (per-environment multi-zone clusters) separates them"))
	g.Expect(got[1].Message).To(Equal("production cluster everything spans 1 zone(s) (a); the plan spreads production over 3"))
}

func TestCheckDrift_PerApplicationWantsAClusterPerApplication(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "regulated-payments")
	plan := mustPlan(t, p)
	fleet := []landfallv1alpha1.Cluster{registered("card-vault", envs("dev", "staging", "prod"), zonesSeen("a", "b"))}
	got := CheckDrift(p, plan, TopologyPerApplication, fleet)
	g.Expect(kinds(got)).To(Equal([]DeviationKind{DeviationApplicationIsolation, DeviationClusterCount}))
	g.Expect(got[0].Message).To(ContainSubstring("5 application(s)"))
	g.Expect(got[0].Message).NotTo(ContainSubstring("card-vault"))
}
