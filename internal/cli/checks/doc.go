// Package checks implements `landfall checks`: the catalog of built-in
// posture checks, as a table, JSON, YAML or the Markdown of docs/checks.md.
package checks
