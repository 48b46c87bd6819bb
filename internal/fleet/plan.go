package fleet

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Plan is the advice for one profile.
type Plan struct {
	// Profile is the name of the profile planned for.
	Profile string `json:"profile"`
	// SecurityNeed is the profile's need for isolation (see
	// Profile.SecurityNeed).
	SecurityNeed float64 `json:"securityNeed"`
	// Weights are the effective weights of the axes.
	Weights Weights `json:"weights"`
	// Topologies are the four topologies in table order.
	Topologies []TopologyResult `json:"topologies"`
	// Ranking lists the topologies from best to worst fit.
	Ranking []Topology `json:"ranking"`
	// Recommendation is the best fit.
	Recommendation Topology `json:"recommendation"`
	// Reasons explain the recommendation in a few sentences.
	Reasons []string `json:"reasons"`
}

// TopologyResult is one topology laid out and scored for the profile.
type TopologyResult struct {
	// Topology is which one.
	Topology Topology `json:"topology"`
	// Title is its row title.
	Title string `json:"title"`
	// Clusters is its layout.
	Clusters []PlannedCluster `json:"clusters"`
	// Scores are the four axis scores in table order.
	Scores []Score `json:"scores"`
	// Fit is the weighted geometric mean of the scores, 0–100.
	Fit float64 `json:"fit"`
	// Spend is the modelled spend in node-equivalents.
	Spend float64 `json:"spend"`
	// ManagementHours is the modelled ops load in hours a month.
	ManagementHours float64 `json:"managementHours"`
}

// Score returns the result's score on axis a.
func (r *TopologyResult) Score(a Axis) Score {
	for _, s := range r.Scores {
		if s.Axis == a {
			return s
		}
	}
	return Score{Axis: a}
}

// Result returns the result of topology t.
func (p *Plan) Result(t Topology) *TopologyResult {
	for i := range p.Topologies {
		if p.Topologies[i].Topology == t {
			return &p.Topologies[i]
		}
	}
	return nil
}

// Recommended returns the result of the recommended topology.
func (p *Plan) Recommended() *TopologyResult { return p.Result(p.Recommendation) }

// NewPlan scores the four topologies for a valid profile and recommends
// one.
func NewPlan(p *Profile) (*Plan, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	w := p.weights()
	plan := &Plan{Profile: p.Name, SecurityNeed: round2(p.SecurityNeed()), Weights: w}
	for _, t := range Topologies {
		layout := p.Layout(t)
		r := TopologyResult{
			Topology: t,
			Title:    t.Title(),
			Clusters: layout,
			Scores: []Score{
				scoreCost(layout),
				scoreManagement(p, layout),
				scoreElasticity(layout),
				scoreSecurity(p, layout),
			},
			Spend:           round1(Spend(layout)),
			ManagementHours: round1(managementHours(layout)),
		}
		r.Fit = round1(fit(r.Scores, w))
		plan.Topologies = append(plan.Topologies, r)
	}
	order := slices.Clone(plan.Topologies)
	// Best fit first; ties go to fewer clusters, then table order (stable).
	slices.SortStableFunc(order, func(a, b TopologyResult) int {
		if c := cmp.Compare(b.Fit, a.Fit); c != 0 {
			return c
		}
		return cmp.Compare(len(a.Clusters), len(b.Clusters))
	})
	for _, r := range order {
		plan.Ranking = append(plan.Ranking, r.Topology)
	}
	plan.Recommendation = plan.Ranking[0]
	plan.Reasons = reasons(order)
	return plan, nil
}

// fit is the weighted geometric mean of the scores.
func fit(scores []Score, w Weights) float64 {
	weights := map[Axis]float64{AxisCost: w.Cost, AxisManagement: w.Management, AxisElasticity: w.Elasticity, AxisSecurity: w.Security}
	var logSum, total float64
	for _, s := range scores {
		ww := weights[s.Axis]
		logSum += ww * math.Log(math.Max(minScore, s.Value))
		total += ww
	}
	return math.Exp(logSum / total)
}

func managementHours(layout []PlannedCluster) float64 {
	h := 0.0
	for _, c := range layout {
		h += upkeepHours + coordinationHours*float64(len(c.Teams))
	}
	return h
}

// reasons explains the recommendation: its fit against the runner-up, its
// best and worst axes.
func reasons(order []TopologyResult) []string {
	best := order[0]
	out := []string{fmt.Sprintf("%s fits best (%.1f of 100) with %d cluster(s)", best.Title, best.Fit, len(best.Clusters))}
	if len(order) > 1 {
		out = append(out, fmt.Sprintf("runner-up: %s (%.1f)", order[1].Title, order[1].Fit))
	}
	scores := slices.Clone(best.Scores)
	slices.SortStableFunc(scores, func(a, b Score) int { return cmp.Compare(b.Value, a.Value) })
	hi, lo := scores[0], scores[len(scores)-1]
	out = append(out,
		fmt.Sprintf("strongest on %s (%s, %.0f): %s", hi.Axis, hi.Rating, hi.Value, describeFactors(hi.Factors)),
		fmt.Sprintf("weakest on %s (%s, %.0f): %s", lo.Axis, lo.Rating, lo.Value, describeFactors(lo.Factors)),
	)
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
