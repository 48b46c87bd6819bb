// Package deliveryenv turns an Environment (api/v1alpha1) and the Secret
// and ConfigMap it names into the inputs of the delivery engine
// (internal/delivery): the Git source with its credentials, the gate's
// options with the environment's exceptions, the apply options, the
// client configuration that impersonates the environment's
// ServiceAccount, and back: the engine's inventory and verdict as the
// Environment's status holds them.
//
// The Environment reconciler and `landfall env diff` both use it, so a
// diff on a laptop asks exactly what the manager would apply. It reads
// through whatever client it is given: the manager's, or the user's own
// credentials in the CLI.
package deliveryenv
