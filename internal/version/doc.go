// Package version reports the version of Landfall and of the Kubernetes
// release it was built against.
//
// The Landfall version is stamped at link time by the Makefile
// (-X github.com/landfall-dev/landfall/internal/version.landfall=...). The
// Kubernetes version is the pinned k8s.io/kubernetes release that
// hack/k8s builds the local control plane from; a test keeps the constant
// here equal to hack/k8s/go.mod.
package version
