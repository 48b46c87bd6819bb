// Package benchproc holds what the benchmark programs under hack/ share:
// running one measurement in a child process and reading peak resident
// set sizes, so that every figure of a run comes from a clean process.
package benchproc
