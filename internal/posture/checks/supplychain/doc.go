// Package supplychain holds posture checks on container images: mutable
// tags, digests, registries outside an allow-list and known cryptominers.
package supplychain
