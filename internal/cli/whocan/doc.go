// Package whocan implements `landfall who-can`: every subject allowed a
// request, and through which binding and role, as the API server's RBAC
// authorizer decides it (see internal/rbac).
package whocan
