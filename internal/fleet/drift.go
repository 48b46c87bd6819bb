package fleet

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// DeviationKind classifies a difference between the fleet and the plan.
type DeviationKind string

// Deviation kinds reported by CheckDrift.
const (
	// DeviationProductionShared: production shares a cluster with
	// non-production environments although the plan separates them.
	DeviationProductionShared DeviationKind = "production-shared"
	// DeviationSingleZoneProduction: a production cluster spans fewer
	// zones than the plan (and fewer than two).
	DeviationSingleZoneProduction DeviationKind = "single-zone-production"
	// DeviationMissingEnvironment: an environment of the profile has no
	// registered cluster.
	DeviationMissingEnvironment DeviationKind = "missing-environment"
	// DeviationUnknownEnvironment: a registered cluster serves an
	// environment the profile does not have.
	DeviationUnknownEnvironment DeviationKind = "unknown-environment"
	// DeviationClusterCount: the fleet has a different number of clusters
	// than the plan.
	DeviationClusterCount DeviationKind = "cluster-count"
	// DeviationApplicationIsolation: the plan gives an application clusters
	// of its own and none is registered for it (spec.purpose).
	DeviationApplicationIsolation DeviationKind = "application-isolation"
	// DeviationNotReady: a registered cluster is not Ready.
	DeviationNotReady DeviationKind = "not-ready"
)

// Deviation is one difference between the registered fleet and the plan.
type Deviation struct {
	// Kind classifies it.
	Kind DeviationKind `json:"kind"`
	// Cluster is the registered cluster concerned, if any.
	Cluster string `json:"cluster,omitempty"`
	// Message says what differs, in a sentence.
	Message string `json:"message"`
}

// CheckDrift compares the registered clusters with topology t of the plan
// and returns each deviation, in a stable order.
func CheckDrift(p *Profile, plan *Plan, t Topology, fleet []landfallv1alpha1.Cluster) []Deviation {
	r := plan.Result(t)
	if r == nil {
		return nil
	}
	var out []Deviation
	production := map[string]bool{}
	known := map[string]bool{}
	for _, e := range p.Environments {
		production[e.Name] = e.Production
		known[e.Name] = true
	}
	separates := t == TopologyPerEnvironment || t == TopologyDedicated
	plannedZones := 0
	for _, c := range r.Clusters {
		if c.Production {
			plannedZones = max(plannedZones, len(c.Zones))
		}
	}
	fleet = slices.Clone(fleet)
	slices.SortFunc(fleet, func(a, b landfallv1alpha1.Cluster) int { return strings.Compare(a.Name, b.Name) })

	served := map[string]bool{}
	purposes := map[string]bool{}
	for _, c := range fleet {
		purposes[c.Spec.Purpose] = true
		var prod, nonProd []string
		for _, e := range c.Spec.Environments {
			served[e] = true
			switch {
			case !known[e]:
				out = append(out, Deviation{Kind: DeviationUnknownEnvironment, Cluster: c.Name,
					Message: fmt.Sprintf("cluster %s serves environment %q, which the profile does not have", c.Name, e)})
			case production[e]:
				prod = append(prod, e)
			default:
				nonProd = append(nonProd, e)
			}
		}
		if separates && len(prod) > 0 && len(nonProd) > 0 {
			out = append(out, Deviation{Kind: DeviationProductionShared, Cluster: c.Name,
				Message: fmt.Sprintf("production (%s) shares cluster %s with %s; the plan (%s) separates them",
					strings.Join(prod, ", "), c.Name, strings.Join(nonProd, ", "), r.Title)})
		}
		if zones := zonesOf(c); len(prod) > 0 && plannedZones >= 2 && len(zones) < 2 {
			out = append(out, Deviation{Kind: DeviationSingleZoneProduction, Cluster: c.Name,
				Message: fmt.Sprintf("production cluster %s spans %d zone(s) (%s); the plan spreads production over %d",
					c.Name, len(zones), strings.Join(zones, ", "), plannedZones)})
		}
		if ready := meta.FindStatusCondition(c.Status.Conditions, landfallv1alpha1.ReadyCondition); ready == nil || ready.Status != "True" {
			msg := fmt.Sprintf("cluster %s is not Ready", c.Name)
			if ready != nil {
				msg += fmt.Sprintf(" (%s: %s)", ready.Reason, ready.Message)
			}
			out = append(out, Deviation{Kind: DeviationNotReady, Cluster: c.Name, Message: msg})
		}
	}
	for _, e := range p.Environments {
		if !served[e.Name] {
			out = append(out, Deviation{Kind: DeviationMissingEnvironment,
				Message: fmt.Sprintf("environment %s has no registered cluster", e.Name)})
		}
	}
	if t == TopologyPerApplication || t == TopologyDedicated {
		var missing []string
		for _, a := range p.Applications {
			if !purposes[a.Name] {
				missing = append(missing, a.Name)
			}
		}
		if len(missing) > 0 {
			out = append(out, Deviation{Kind: DeviationApplicationIsolation,
				Message: fmt.Sprintf("%d application(s) have no cluster of their own (purpose): %s", len(missing), strings.Join(missing, ", "))})
		}
	}
	if len(fleet) != len(r.Clusters) {
		out = append(out, Deviation{Kind: DeviationClusterCount,
			Message: fmt.Sprintf("the fleet has %d cluster(s); the plan (%s) has %d", len(fleet), r.Title, len(r.Clusters))})
	}
	return out
}

// zonesOf returns the zones seen on the cluster's nodes, or the zones of
// its spec when it was never probed.
func zonesOf(c landfallv1alpha1.Cluster) []string {
	if len(c.Status.Zones) > 0 {
		return c.Status.Zones
	}
	return c.Spec.Zones
}
