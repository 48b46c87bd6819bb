// Package dev implements `landfall dev`: the embedded default, a real local
// Kubernetes control plane (internal/localcluster) that runs in the
// background, with `up`, `down`, `status`, `kubeconfig` and `users`.
//
// The group's sub-commands share one options type and live in this one
// package, one file each: they are small and share the state handling.
package dev
