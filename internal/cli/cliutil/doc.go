// Package cliutil holds what every landfall command shares: exit codes that
// carry through cobra, and printing structured output as JSON or YAML.
package cliutil
