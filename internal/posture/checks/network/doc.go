// Package network holds posture checks on Services, Ingresses,
// NetworkPolicies and namespaces' network isolation. The exposure checks
// follow Services to the pods they select, and Ingresses to their backend
// Services, through the scan's index.
package network
