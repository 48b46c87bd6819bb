// Package v1alpha1 holds the API types of the landfall.dev group, version
// v1alpha1: the custom resources the Landfall manager reconciles.
//
// The package depends on apimachinery only, so the CLI, the scanner and the
// panel can import it without controller-runtime.
//
// # Adding a Kind
//
// Put each Kind in its own <kind>_types.go with its List type, mark both with
// +kubebuilder:object:root=true, give every field a doc comment and
// validation markers, add the pair to the explicit list in
// groupversion_info.go (no init registration), and run hack/generate.sh to
// regenerate the deep-copy functions and the CRD in config/crd/bases.
// Condition types and reasons shared by Kinds live in condition_types.go.
//
// +kubebuilder:object:generate=true
// +groupName=landfall.dev
package v1alpha1
