package fleet

import (
	"math"
	"slices"
)

// Topology is one of the four ways to lay out a fleet.
type Topology string

// The four topologies, in order from fewest to most clusters.
const (
	// TopologyShared is one shared cluster (per region) with a namespace
	// per application and environment.
	TopologyShared Topology = "shared"
	// TopologyPerEnvironment is one multi-zone cluster per environment.
	TopologyPerEnvironment Topology = "per-environment"
	// TopologyPerApplication is one multi-zone cluster per application,
	// hosting all its environments.
	TopologyPerApplication Topology = "per-application"
	// TopologyDedicated is a small cluster per application and environment;
	// non-production ones are single-zone.
	TopologyDedicated Topology = "dedicated"
)

// Topologies lists the four topologies in table order.
var Topologies = []Topology{TopologyShared, TopologyPerEnvironment, TopologyPerApplication, TopologyDedicated}

// Title returns the topology's row title in the table.
func (t Topology) Title() string {
	switch t {
	case TopologyShared:
		return "one shared cluster"
	case TopologyPerEnvironment:
		return "per-environment multi-zone clusters"
	case TopologyPerApplication:
		return "per-application multi-zone clusters"
	case TopologyDedicated:
		return "small dedicated clusters"
	}
	return string(t)
}

// Model constants. Each is a documented assumption of the scoring model;
// changing one changes every plan, so the tests pin the outcome for the
// example profiles.
const (
	// controlPlaneCost is the cost of one control plane in node-equivalents
	// (a managed control plane's fee is about one small node).
	controlPlaneCost = 1.0
	// addOnCostPerZone is the cost of the per-cluster add-ons (ingress,
	// monitoring, logging, policy, GitOps agent) per zone spanned.
	addOnCostPerZone = 1.0
	// packingWaste is the average unusable remainder of one cluster's nodes.
	packingWaste = 0.5

	// upkeepHours is the monthly upkeep of one cluster: upgrades, add-on
	// patches, certificates, monitoring.
	upkeepHours = 4.0
	// coordinationHours is the monthly coordination per team per cluster:
	// upgrade windows, shared add-on versions, quota negotiation.
	coordinationHours = 3.0
	// opsHoursPerPerson is the monthly time an ops engineer has for
	// running clusters (a quarter of a month).
	opsHoursPerPerson = 40.0

	// interferenceSlope scales how much neighbours' load variability hurts
	// a workload's independent scaling.
	interferenceSlope = 0.6

	// blastWeight, envMixWeight and teamMixWeight weigh the three parts of
	// a workload's security exposure.
	blastWeight   = 0.6
	envMixWeight  = 0.5
	teamMixWeight = 0.8

	// Rating thresholds on the 0–100 score.
	greenAt  = 75.0
	yellowAt = 50.0
	brownAt  = 25.0

	// minScore keeps the geometric mean of the fit defined.
	minScore = 1.0
)

// Per-level factors of the model.
var (
	// variabilityFactor is the peak headroom a workload needs alone.
	variabilityFactor = map[string]float64{"low": 0.25, "medium": 0.5, "high": 1.0}
	// sensitivityFactor scales the security need of a workload's data.
	sensitivityFactor = map[string]float64{"public": 0.8, "internal": 1.0, "confidential": 1.2, "restricted": 1.5}
	// criticalityFactor scales the blast radius a workload suffers.
	criticalityFactor = map[string]float64{"low": 0.5, "medium": 1.0, "high": 1.25, "critical": 1.5}
	// complianceFactor is the baseline security need of a regime.
	complianceFactor = map[string]float64{"none": 0.6, "moderate": 1.0, "strict": 1.6}
)

// Workload is one application in one environment and region.
type Workload struct {
	// App, Team, Env and Region identify it.
	App, Team, Env, Region string
	// Production is true in production environments.
	Production bool
	// Load is its footprint in node-equivalents.
	Load float64
	// Variability, Sensitivity and Criticality are the model factors.
	Variability, Sensitivity, Criticality float64
}

// PlannedCluster is one cluster of a topology's layout.
type PlannedCluster struct {
	// Name is the Cluster object's name.
	Name string `json:"name"`
	// Region and Zones are where it runs.
	Region string   `json:"region"`
	Zones  []string `json:"zones"`
	// Environments, Applications and Teams are what it hosts, sorted.
	Environments []string `json:"environments"`
	Applications []string `json:"applications"`
	Teams        []string `json:"teams"`
	// Purpose is "shared", an environment or an application name.
	Purpose string `json:"purpose"`
	// Production is true when it hosts a production environment.
	Production bool `json:"production"`
	// Load is the sum of its workloads' loads.
	Load float64 `json:"load"`

	workloads []Workload
}

// Workloads returns the profile's workloads: production environments in
// every region, the others in the primary region only.
func (p *Profile) Workloads() []Workload {
	teamOf := map[string]string{}
	for _, a := range p.Applications {
		teamOf[a.Name] = a.Team
	}
	var ws []Workload
	for ri, r := range p.Regions {
		for _, e := range p.Environments {
			if ri > 0 && !e.Production {
				continue
			}
			for _, a := range p.Applications {
				ws = append(ws, Workload{
					App: a.Name, Team: a.Team, Env: e.Name, Region: r.Name, Production: e.Production,
					Load:        a.size() * e.scale(),
					Variability: variabilityFactor[a.LoadVariability],
					Sensitivity: sensitivityFactor[a.DataSensitivity],
					Criticality: criticalityFactor[a.Criticality],
				})
			}
		}
	}
	return ws
}

// Layout places the profile's workloads into clusters for topology t.
func (p *Profile) Layout(t Topology) []PlannedCluster {
	zonesOf := map[string][]string{}
	for _, r := range p.Regions {
		zonesOf[r.Name] = r.Zones
	}
	multiRegion := len(p.Regions) > 1
	byKey := map[string]*PlannedCluster{}
	var order []string
	for _, w := range p.Workloads() {
		var key, purpose string
		zones := zonesOf[w.Region]
		switch t {
		case TopologyShared:
			key, purpose = "shared", "shared"
		case TopologyPerEnvironment:
			key, purpose = w.Env, w.Env
		case TopologyPerApplication:
			key, purpose = w.App, w.App
		case TopologyDedicated:
			key, purpose = w.App+"-"+w.Env, w.App
			if !w.Production {
				zones = zones[:1]
			}
		}
		name := key
		if multiRegion {
			name = key + "-" + w.Region
		}
		c, ok := byKey[name]
		if !ok {
			c = &PlannedCluster{Name: name, Region: w.Region, Zones: slices.Clone(zones), Purpose: purpose}
			byKey[name] = c
			order = append(order, name)
		}
		c.workloads = append(c.workloads, w)
		c.Load += w.Load
		c.Production = c.Production || w.Production
		c.Environments = addSorted(c.Environments, w.Env)
		c.Applications = addSorted(c.Applications, w.App)
		c.Teams = addSorted(c.Teams, w.Team)
	}
	out := make([]PlannedCluster, 0, len(order))
	for _, name := range order {
		out = append(out, *byKey[name])
	}
	return out
}

func addSorted(list []string, s string) []string {
	i, found := slices.BinarySearch(list, s)
	if found {
		return list
	}
	return slices.Insert(list, i, s)
}

// Rating is the colour of a score.
type Rating string

// Ratings from best to worst.
const (
	// RatingGreen is a score of 75 or more.
	RatingGreen Rating = "green"
	// RatingYellow is a score of 50 to 75.
	RatingYellow Rating = "yellow"
	// RatingBrown is a score of 25 to 50.
	RatingBrown Rating = "brown"
	// RatingRed is a score below 25.
	RatingRed Rating = "red"
)

// RatingOf maps a 0–100 score to its rating.
func RatingOf(score float64) Rating {
	switch {
	case score >= greenAt:
		return RatingGreen
	case score >= yellowAt:
		return RatingYellow
	case score >= brownAt:
		return RatingBrown
	default:
		return RatingRed
	}
}

// rank orders ratings, green first.
func (r Rating) rank() int {
	return slices.Index([]Rating{RatingGreen, RatingYellow, RatingBrown, RatingRed}, r)
}

// SecurityNeed is how much isolation the profile needs: the compliance
// factor times the load-weighted mean data sensitivity. It never decreases
// when the compliance level rises or data becomes more sensitive.
func (p *Profile) SecurityNeed() float64 {
	var sum, weight float64
	for _, w := range p.Workloads() {
		sum += w.Load * w.Sensitivity
		weight += w.Load
	}
	return complianceFactor[p.Compliance.Level] * sum / weight
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
