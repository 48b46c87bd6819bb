// Package cluster is the `landfall cluster` command: register clusters in
// the fleet (add creates the kubeconfig Secret and the Cluster object),
// list, describe and remove them. The kubeconfig is written only into the
// Secret; no sub-command prints it.
package cluster
