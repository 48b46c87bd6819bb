// Package crd embeds the CustomResourceDefinitions generated into
// config/crd/bases by hack/generate.sh and installs them, so the binary
// (`landfall manager install`) and the tests apply exactly the generated
// files.
package crd
