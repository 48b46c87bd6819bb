// Package root assembles the landfall command tree.
package root
