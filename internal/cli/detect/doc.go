// Package detect is the `landfall detect` command: attack detection in
// API-server audit logs, keyed on the Threat Matrix for Kubernetes.
//
// `landfall detect [FILE...|-]` reads JSON-lines audit logs (with
// --follow, one log followed through rotation); `landfall detect serve`
// receives the API server's audit webhook batches over HTTPS; `landfall
// detect policy` prints the minimal audit policy that feeds every rule,
// `landfall detect webhook-config` the API server's webhook config file,
// and `landfall detect rules` the rules. The engine is internal/detect;
// this package only parses flags and wires sources to sinks.
package detect
