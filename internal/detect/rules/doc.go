// Package rules holds Landfall's built-in detection rules: one small file
// per rule, each a detect.Rule value with a pure match function, keyed on
// the techniques of the Threat Matrix for Kubernetes, and the explicit,
// sorted registry of them (All, Registry).
//
// Each rule has fixtures under testdata/<rule-id>/: pass*.jsonl audit
// logs that must raise no alert of the rule, and fail*.jsonl logs in which
// exactly the events whose auditID starts with "fire-" raise one.
package rules
