// Package clitest runs a cobra command in a test the way the root command
// runs it (errors returned, not printed) and captures what it printed.
package clitest
