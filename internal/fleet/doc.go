// Package fleet is Landfall's cluster strategy engine: it advises on the
// topology of a Kubernetes fleet and knows how to look at the fleet that
// follows from it. It knows nothing of controller-runtime, cobra or HTTP;
// the plan and cluster commands and the Cluster reconciler call it.
//
// # Profiles
//
// A Profile (YAML, decoded strictly by DecodeProfile) describes an
// organisation: environments, applications with their criticality, load
// variability, data sensitivity and team, teams, ops headcount, regions and
// zones, compliance level, and the weight it gives to cost, management,
// elasticity and security.
//
// # The scoring model
//
// Plan lays out each of the four topologies (TopologyShared,
// TopologyPerEnvironment, TopologyPerApplication, TopologyDedicated) as a
// list of clusters for the profile, then scores each layout on four axes,
// 0 to 100, higher is better. The constants are in model.go, each with its
// reason; the formulas are:
//
//   - Cost: 100 × workload ÷ spend, both in node-equivalents. Each cluster
//     costs a control plane (1), an add-on baseline per zone (1 × zones:
//     ingress, monitoring, logging, policy), half a node of bin-packing
//     waste, and its load plus headroom for peaks, which shrinks as more
//     workloads share the pool (variability ÷ √workloads), and never less
//     than one node per zone.
//   - Management: 100 × e^(−hours ÷ capacity). Each cluster costs 4 hours a
//     month of upkeep (upgrades, add-on patches, certificates) and 3 hours
//     per team on it (upgrade windows, shared add-on versions, quota);
//     capacity is 40 hours a month per ops engineer.
//   - Elasticity: the load-weighted mean of 1 ÷ (1 + 0.6 × √interference),
//     interference being the summed load variability of the other
//     workloads in the same cluster: how independently each workload can
//     scale, upgrade and pick its nodes.
//   - Security: the load×sensitivity-weighted mean of e^(−need × exposure).
//     Exposure = 0.6 × blast radius (the cluster's share of the fleet's
//     load, × criticality) + 0.5 × the share of neighbours from other
//     environments + 0.8 × the share from other teams. Need = compliance
//     factor (none 0.6, moderate 1, strict 1.6) × mean data sensitivity.
//
// Scores map to ratings: green ≥ 75, yellow ≥ 50, brown ≥ 25, red below.
// The ranking is the weighted geometric mean of the four scores (the fit),
// so a topology that is red on one axis loses more than a balanced one
// gains: this is why per-environment or per-application clusters win for
// most organisations. Ties go to the topology with fewer clusters. Every
// score carries the two or three factors that moved it most.
//
// # Emission, drift and probes
//
// Emit writes the Cluster and Environment objects and the Git layout of a
// plan. CheckDrift compares a registered fleet with a plan. Probe looks at a
// live cluster: reachability, version, nodes, zones and API latency.
// PrepareKubeconfig and RESTConfigFromKubeconfig handle the kubeconfigs a
// fleet is registered with; they refuse exec plugins and file references,
// so a registered Secret can never make the manager run a program or read
// its own files.
package fleet
