// Package resources holds posture checks on compute resources: container
// requests and limits, and namespaces without ResourceQuota or LimitRange.
package resources
