package fleet

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Axis is one of the four dimensions a topology is rated on.
type Axis string

// The four axes, in table order.
const (
	// AxisCost is what the fleet costs beyond the workloads themselves.
	AxisCost Axis = "cost"
	// AxisManagement is the ops effort of running the fleet.
	AxisManagement Axis = "management"
	// AxisElasticity is how independently workloads scale and change.
	AxisElasticity Axis = "elasticity"
	// AxisSecurity is the isolation between tenants and environments.
	AxisSecurity Axis = "security"
)

// Axes lists the axes in table order.
var Axes = []Axis{AxisCost, AxisManagement, AxisElasticity, AxisSecurity}

// Factor is one thing that moved a score.
type Factor struct {
	// Name is a short label ("control planes").
	Name string `json:"name"`
	// Detail says what the model counted ("3 clusters × 1 node-eq.").
	Detail string `json:"detail"`
	// Weight is the factor's size in the axis's own unit (node-eq., hours,
	// exposure); factors are ranked by it.
	Weight float64 `json:"weight"`
}

// Score is a topology's rating on one axis.
type Score struct {
	// Axis is what is rated.
	Axis Axis `json:"axis"`
	// Value is 0–100, higher is better.
	Value float64 `json:"score"`
	// Rating is the colour of Value.
	Rating Rating `json:"rating"`
	// Factors are the two or three factors that drove the score, largest
	// first.
	Factors []Factor `json:"factors"`
}

// minFactors and maxFactors bound how many factors a score reports.
const (
	minFactors = 2
	maxFactors = 3
)

func newScore(axis Axis, value float64, factors []Factor) Score {
	value = math.Max(0, math.Min(100, value))
	slices.SortStableFunc(factors, func(a, b Factor) int { return cmp.Compare(b.Weight, a.Weight) })
	// The largest factors, at most maxFactors; factors that weigh nothing
	// are kept only to reach minFactors (a zero can explain a score too:
	// no neighbours is why a dedicated cluster is elastic).
	n := 0
	for n < len(factors) && n < maxFactors && (factors[n].Weight > 0 || n < minFactors) {
		n++
	}
	factors = factors[:n]
	return Score{Axis: axis, Value: round1(value), Rating: RatingOf(value), Factors: factors}
}

// costOf is the spend of a layout in node-equivalents, split into its parts.
type costParts struct {
	controlPlanes, addOns, waste, headroom, minimum, workload float64
}

func (c costParts) total() float64 {
	return c.controlPlanes + c.addOns + c.waste + c.headroom + c.minimum + c.workload
}

func costOf(layout []PlannedCluster) costParts {
	var p costParts
	for _, c := range layout {
		z := float64(len(c.Zones))
		p.controlPlanes += controlPlaneCost
		p.addOns += addOnCostPerZone * z
		p.waste += packingWaste
		var v float64
		for _, w := range c.workloads {
			v += w.Variability * w.Load
		}
		h := 0.0
		if c.Load > 0 {
			h = (v / c.Load) / math.Sqrt(float64(len(c.workloads)))
		}
		need := c.Load * (1 + h)
		p.workload += c.Load
		p.headroom += c.Load * h
		p.minimum += math.Max(0, z-need)
	}
	return p
}

// Spend returns the modelled spend of a layout in node-equivalents: the
// quantity behind the Cost axis. More clusters for the same workloads
// never spend less.
func Spend(layout []PlannedCluster) float64 { return costOf(layout).total() }

func scoreCost(layout []PlannedCluster) Score {
	p := costOf(layout)
	n := len(layout)
	return newScore(AxisCost, 100*p.workload/p.total(), []Factor{
		{Name: "control planes", Detail: fmt.Sprintf("%d × %g node-eq.", n, controlPlaneCost), Weight: p.controlPlanes},
		{Name: "add-on baseline", Detail: fmt.Sprintf("%g node-eq.: one per zone of each of %d cluster(s)", round1(p.addOns), n), Weight: p.addOns},
		{Name: "bin-packing waste", Detail: fmt.Sprintf("%d × %g node-eq.", n, packingWaste), Weight: p.waste},
		{Name: "peak headroom", Detail: fmt.Sprintf("%g node-eq., %.0f%% of the %g of workloads", round1(p.headroom), 100*p.headroom/p.workload, round1(p.workload)), Weight: p.headroom},
		{Name: "one node per zone", Detail: fmt.Sprintf("%g node-eq. of minimum size", round1(p.minimum)), Weight: p.minimum},
	})
}

func scoreManagement(p *Profile, layout []PlannedCluster) Score {
	var teams int
	for _, c := range layout {
		teams += len(c.Teams)
	}
	upkeep := upkeepHours * float64(len(layout))
	coordination := coordinationHours * float64(teams)
	capacity := opsHoursPerPerson * p.Ops.Headcount
	load := upkeep + coordination
	return newScore(AxisManagement, 100*math.Exp(-load/capacity), []Factor{
		{Name: "cluster upkeep", Detail: fmt.Sprintf("%d cluster(s) × %gh a month", len(layout), upkeepHours), Weight: upkeep},
		{Name: "team coordination", Detail: fmt.Sprintf("%d team-cluster pairs × %gh a month", teams, coordinationHours), Weight: coordination},
		{Name: "ops capacity", Detail: fmt.Sprintf("%g people × %gh a month for %gh of work", p.Ops.Headcount, opsHoursPerPerson, round1(load)), Weight: math.Min(load, capacity) / 2},
	})
}

func scoreElasticity(layout []PlannedCluster) Score {
	var sum, weight, interference, alone, total, workloads float64
	for _, c := range layout {
		var v float64
		for _, w := range c.workloads {
			v += w.Variability
		}
		for _, w := range c.workloads {
			x := v - w.Variability
			sum += w.Load / (1 + interferenceSlope*math.Sqrt(x))
			weight += w.Load
			interference += w.Load * x
			if len(c.workloads) == 1 {
				alone += w.Load
			}
		}
		total += c.Load
		workloads += float64(len(c.workloads))
	}
	perCluster := workloads / float64(len(layout))
	return newScore(AxisElasticity, 100*sum/weight, []Factor{
		{Name: "neighbours' load swings", Detail: fmt.Sprintf("mean interference %.2f", interference/weight), Weight: interference / weight},
		{Name: "workloads per cluster", Detail: fmt.Sprintf("%.1f on average share autoscaler, upgrades and node types", perCluster), Weight: math.Log2(perCluster)},
		{Name: "independent scaling", Detail: fmt.Sprintf("%.0f%% of the load has a cluster of its own", 100*alone/total), Weight: alone / total},
	})
}

func scoreSecurity(p *Profile, layout []PlannedCluster) Score {
	need := p.SecurityNeed()
	var fleet float64
	for _, c := range layout {
		fleet += c.Load
	}
	var sum, weight, blast, envMix, teamMix float64
	for _, c := range layout {
		for _, w := range c.workloads {
			var others, otherEnv, otherTeam float64
			for _, n := range c.workloads {
				if n == w {
					continue
				}
				others += n.Load
				if n.Env != w.Env {
					otherEnv += n.Load
				}
				if n.Team != w.Team {
					otherTeam += n.Load
				}
			}
			b := blastWeight * w.Criticality * c.Load / fleet
			e, t := 0.0, 0.0
			if others > 0 {
				e = envMixWeight * otherEnv / others
				t = teamMixWeight * otherTeam / others
			}
			ww := w.Load * w.Sensitivity
			sum += ww * math.Exp(-need*(b+e+t))
			weight += ww
			blast += ww * b
			envMix += ww * e
			teamMix += ww * t
		}
	}
	level := p.Compliance.Level
	if p.Compliance.Regime != "" {
		level = p.Compliance.Regime + ", " + level
	}
	return newScore(AxisSecurity, 100*sum/weight, []Factor{
		{Name: "environments share clusters", Detail: fmt.Sprintf("exposure %.2f × need %.2f", envMix/weight, need), Weight: need * envMix / weight},
		{Name: "teams share clusters", Detail: fmt.Sprintf("exposure %.2f × need %.2f", teamMix/weight, need), Weight: need * teamMix / weight},
		{Name: "blast radius", Detail: fmt.Sprintf("exposure %.2f × need %.2f", blast/weight, need), Weight: need * blast / weight},
		{Name: "security need", Detail: fmt.Sprintf("%.2f from compliance (%s) and data sensitivity", need, level), Weight: 0.05 * need},
	})
}

// describeFactors renders factors as "name (detail); ...".
func describeFactors(fs []Factor) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Name + " (" + f.Detail + ")"
	}
	return strings.Join(parts, "; ")
}
