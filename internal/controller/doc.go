// Package controller holds Landfall's reconcilers. They are thin: they read
// objects, call the engines (internal/fleet, ...) and write status. One
// package, kind-prefixed files: <kind>_controller.go for Reconcile and its
// phases, <kind>_manager.go for SetupWithManager, errors.go for the typed
// errors that decide a reconcile's result in one place, and setup.go with
// the explicit list of reconcilers the manager runs.
//
// # Adding a reconciler
//
// Write <Kind>Reconciler with RBAC markers above the type, a
// SetupWithManager in <kind>_manager.go, and add it to Setup in setup.go.
// Run hack/generate.sh to regenerate config/rbac/role.yaml.
package controller
