// Package promote implements `landfall promote APP --from ENV --to ENV`,
// which creates a Promotion, and `landfall promote approve|reject|list`.
// Approving is an RBAC-checked action: the API server's admission webhook
// lets only users with the verb approve on promotions.landfall.dev set an
// approval, in their own name.
package promote
