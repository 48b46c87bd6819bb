// Package spaces implements `landfall spaces`: the spaces of the accounts
// the caller belongs to, listed with the caller's own credentials and no
// right to list namespaces (see tenancy.MySpaces).
package spaces
