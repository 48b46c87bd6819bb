// Package secrets holds posture checks for credentials written into
// manifests: literal environment values, ConfigMap data and Secret objects.
// Messages name the key and show at most a known token prefix, never the
// value (see Redact).
package secrets
