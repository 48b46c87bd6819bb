// Package e2e runs the landfall binary as a user would, against the real
// local control plane it starts.
//
// Unlike the kubebuilder scaffold's e2e suite these tests need no kind
// cluster and no build tag: the control plane is Landfall's own, so they run
// in `make test`.
package e2e
