// Package deliverytest helps test GitOps delivery against real Git
// repositories: a local bare repository ("the server") created with
// go-git in a temporary directory, with a working clone that commits and
// pushes to it and first takes in whatever others (a Promotion) pushed,
// and builders of the manifests the tests commit.
package deliverytest
