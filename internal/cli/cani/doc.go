// Package cani implements `landfall can-i --as SUBJECT`: what a user,
// group or service account may do (--list), or whether it may make one
// request, and through which binding and role, evaluated from the
// cluster's RBAC objects as the API server's authorizer would (see
// internal/rbac). Unlike kubectl auth can-i --as, it needs no
// impersonation right, only list on the RBAC kinds.
package cani
