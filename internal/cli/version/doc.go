// Package version implements `landfall version`.
package version
