// Package tenancy is the engine of Landfall's self-service multi-tenancy:
// accounts, spaces made from templates, and the account-wide quota.
//
// It is pure: it renders templates (parameters with defaults, required
// flags and validation, the predefined SPACE, ACCOUNT and
// ACCOUNT_LABEL_<KEY>), ships the baseline template, checks space names and
// limits, decides who is an account subject, computes what an object
// counts against a quota and keeps the quota ledger's arithmetic
// (measured usage plus reservations). It knows nothing of
// controller-runtime, HTTP or cobra; internal/controller,
// internal/webhook and the CLI call it.
package tenancy
