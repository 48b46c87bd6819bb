package fleet

import (
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
)

// table returns the plan's ratings as rows of topology → four ratings.
func table(plan *Plan) map[Topology][]Rating {
	out := map[Topology][]Rating{}
	for _, r := range plan.Topologies {
		for _, s := range r.Scores {
			out[r.Topology] = append(out[r.Topology], s.Rating)
		}
	}
	return out
}

func TestPlan_TypicalProfileReproducesTheTable(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	plan := mustPlan(t, loadExample(t, "typical"))

	g.Expect(table(plan)).To(Equal(map[Topology][]Rating{
		TopologyShared:         {RatingGreen, RatingGreen, RatingRed, RatingRed},
		TopologyPerEnvironment: {RatingYellow, RatingYellow, RatingBrown, RatingBrown},
		TopologyPerApplication: {RatingBrown, RatingBrown, RatingYellow, RatingYellow},
		TopologyDedicated:      {RatingRed, RatingRed, RatingGreen, RatingGreen},
	}))
	g.Expect(plan.Recommendation).To(Equal(TopologyPerEnvironment))
	g.Expect(plan.Ranking[0]).To(Equal(TopologyPerEnvironment))
	g.Expect(plan.Ranking[len(plan.Ranking)-1]).To(Equal(TopologyDedicated))
	for _, r := range plan.Topologies {
		for _, s := range r.Scores {
			g.Expect(len(s.Factors)).To(BeNumerically(">=", 2), "%s/%s factors", r.Topology, s.Axis)
			g.Expect(len(s.Factors)).To(BeNumerically("<=", 3), "%s/%s factors", r.Topology, s.Axis)
		}
	}
	g.Expect(plan.Result(TopologyPerEnvironment).Clusters).To(HaveLen(3))
	g.Expect(plan.Result(TopologyPerApplication).Clusters).To(HaveLen(20))
	g.Expect(plan.Result(TopologyDedicated).Clusters).To(HaveLen(60))
}

func TestPlan_StartupGetsTheSharedCluster(t *testing.T) {
	t.Parallel()
	p := loadExample(t, "startup")
	equal := clone(p)
	equal.Weights = Weights{}
	for name, p := range map[string]*Profile{"own weights": p, "equal weights": equal} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			plan := mustPlan(t, p)
			g.Expect(plan.Recommendation).To(Equal(TopologyShared))
			g.Expect(plan.Recommended().Clusters).To(HaveLen(1))
		})
	}
}

func TestPlan_RegulatedPaymentsGetsIsolatedClusters(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "regulated-payments")
	plan := mustPlan(t, p)
	g.Expect(plan.Recommendation).To(BeElementOf(TopologyDedicated, TopologyPerApplication))
	g.Expect(plan.Result(TopologyShared).Score(AxisSecurity).Rating).To(Equal(RatingRed))

	// Even with equal weights, strict compliance and restricted data keep
	// the shared cluster out of the top two.
	equal := clone(p)
	equal.Weights = Weights{}
	g.Expect(mustPlan(t, equal).Ranking[:2]).NotTo(ContainElement(TopologyShared))
}

// variations returns profiles derived from the examples: fewer
// applications, fewer environments, fewer zones, more regions.
func variations(t *testing.T) map[string]*Profile {
	out := map[string]*Profile{}
	for _, name := range []string{"typical", "startup", "regulated-payments"} {
		base := loadExample(t, name)
		for _, apps := range []int{1, 3, len(base.Applications)} {
			for envs := 1; envs <= len(base.Environments); envs++ {
				for zones := 1; zones <= len(base.Regions[0].Zones); zones++ {
					p := clone(base)
					p.Applications = p.Applications[:min(apps, len(p.Applications))]
					p.Environments = p.Environments[len(p.Environments)-envs:]
					p.Regions[0].Zones = p.Regions[0].Zones[:zones]
					out[fmt.Sprintf("%s/apps=%d/envs=%d/zones=%d", name, apps, envs, zones)] = p
				}
			}
		}
		two := clone(base)
		two.Regions = append(two.Regions, Region{Name: "second", Zones: []string{"s-a", "s-b"}})
		out[name+"/two-regions"] = two
	}
	return out
}

func TestPlan_MoreComplianceNeverLowersSecurityNeed(t *testing.T) {
	t.Parallel()
	for name, p := range variations(t) {
		g := NewWithT(t)
		prevNeed := 0.0
		var prev *Plan
		for _, level := range complianceLevel {
			q := clone(p)
			q.Compliance.Level = level
			plan := mustPlan(t, q)
			g.Expect(q.SecurityNeed()).To(BeNumerically(">", prevNeed), "%s at %s", name, level)
			prevNeed = q.SecurityNeed()
			if prev != nil {
				for _, r := range plan.Topologies {
					before := prev.Result(r.Topology).Score(AxisSecurity)
					after := r.Score(AxisSecurity)
					g.Expect(after.Value).To(BeNumerically("<=", before.Value), "%s %s at %s", name, r.Topology, level)
					g.Expect(after.Rating.rank()).To(BeNumerically(">=", before.Rating.rank()))
				}
			}
			prev = plan
		}
	}
}

func TestPlan_MoreSensitiveDataNeverLowersSecurityNeed(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "typical")
	prev := 0.0
	for _, s := range sensitivities {
		q := clone(p)
		for i := range q.Applications {
			q.Applications[i].DataSensitivity = s
		}
		g.Expect(q.SecurityNeed()).To(BeNumerically(">", prev), s)
		prev = q.SecurityNeed()
	}
}

func TestPlan_MoreClustersNeverLowerCost(t *testing.T) {
	t.Parallel()
	for name, p := range variations(t) {
		g := NewWithT(t)
		plan := mustPlan(t, p)
		for _, a := range plan.Topologies {
			for _, b := range plan.Topologies {
				if len(a.Clusters) >= len(b.Clusters) {
					continue
				}
				g.Expect(b.Spend).To(BeNumerically(">=", a.Spend), "%s: %s (%d) vs %s (%d)", name, a.Topology, len(a.Clusters), b.Topology, len(b.Clusters))
				g.Expect(b.Score(AxisCost).Value).To(BeNumerically("<=", a.Score(AxisCost).Value), "%s: cost score %s vs %s", name, a.Topology, b.Topology)
				g.Expect(b.ManagementHours).To(BeNumerically(">=", a.ManagementHours), "%s: management %s vs %s", name, a.Topology, b.Topology)
			}
		}
	}
}

func TestPlan_MoreEnvironmentsNeverLowerSpend(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "typical")
	var prev *Plan
	for envs := 1; envs <= len(p.Environments); envs++ {
		q := clone(p)
		q.Environments = q.Environments[len(q.Environments)-envs:]
		plan := mustPlan(t, q)
		if prev != nil {
			for _, r := range plan.Topologies {
				g.Expect(r.Spend).To(BeNumerically(">=", prev.Result(r.Topology).Spend), "%s with %d environments", r.Topology, envs)
			}
		}
		prev = plan
	}
}

func TestRatingOf(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		score float64
		want  Rating
	}{
		"100 is green":  {100, RatingGreen},
		"75 is green":   {75, RatingGreen},
		"just under 75": {74.9, RatingYellow},
		"50 is yellow":  {50, RatingYellow},
		"25 is brown":   {25, RatingBrown},
		"just under 25": {24.9, RatingRed},
		"0 is red":      {0, RatingRed},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Expect(RatingOf(tt.score)).To(Equal(tt.want))
		})
	}
}

func TestPlan_WeightsMoveTheRecommendation(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "typical")
	cheap := clone(p)
	cheap.Weights = Weights{Cost: 10, Management: 10, Elasticity: 1, Security: 1}
	g.Expect(mustPlan(t, cheap).Recommendation).To(Equal(TopologyShared))
	safe := clone(p)
	safe.Weights = Weights{Cost: 1, Management: 1, Elasticity: 10, Security: 10}
	g.Expect(mustPlan(t, safe).Recommendation).To(Equal(TopologyDedicated))
}
