// Package webhook holds Landfall's admission webhooks, served by
// `landfall manager` through controller-runtime's webhook server. Each
// handler enforces one tenancy guard-rail and calls internal/tenancy for
// the rules:
//
//   - SpaceValidator: only subjects of an account create Spaces for it,
//     within its space limit and name rule; only platform admins adopt
//     existing namespaces.
//   - SpaceDefaulter: records the account label and the creator on Spaces,
//     and adds the space finalizer on create.
//   - NamespaceValidator: tenants cannot set, change or remove
//     landfall.dev/* or Pod Security Admission labels on namespaces.
//   - TemplateObjectValidator: tenants cannot modify or delete objects a
//     template made (label landfall.dev/template), nor forge that label.
//   - QuotaValidator: creates in tenant spaces reserve their usage on the
//     account's AccountQuotas, with optimistic concurrency, and are denied
//     past the hard limits.
//
// Handlers keep no state of their own (the quota ledger lives on the
// AccountQuota), so two replicas are safe. Configurations builds the
// webhook configurations and documents each failure policy.
package webhook
