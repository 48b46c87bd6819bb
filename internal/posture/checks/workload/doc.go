// Package workload holds posture checks on pod specs: security contexts,
// host namespaces, host paths, service-account tokens and container ports.
// Each check is one file with its metadata and a pure function, and runs on
// every kind with a pod template through posture.PerContainer or
// posture.PerPodSpec.
package workload
