// Package plan is the `landfall plan` command: topology advice for an
// organisation's profile (the table of four topologies on four axes, the
// weighted ranking, the recommendation and the factors behind each score),
// emission of the fleet it leads to (--emit) and a drift check of the
// registered fleet against it (--check). The model is internal/fleet's.
package plan
