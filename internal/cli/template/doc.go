// Package template implements `landfall template list|render`: the
// templates on the cluster, and what one would create in a space for given
// parameters.
package template
