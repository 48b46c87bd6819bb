// Package cluster holds posture checks on cluster-level objects and
// control-plane lookalikes: admission webhook configurations, CronJobs,
// mirror pods and pods named like system components.
package cluster
