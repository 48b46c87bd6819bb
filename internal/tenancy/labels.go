package tenancy

import "strings"

// FieldManager is the server-side apply field manager of every object
// Landfall applies to a space.
const FieldManager = "landfall"

// Labels Landfall owns. Tenants can neither set, change nor remove them on
// namespaces: NetworkPolicies trust them.
const (
	// LabelPrefix is the prefix of every Landfall label.
	LabelPrefix = "landfall.dev/"
	// LabelAccount marks a namespace (and a Space) as belonging to an
	// account; the baseline NetworkPolicies select on it.
	LabelAccount = "landfall.dev/account"
	// LabelSpace marks a namespace as the namespace of a Space.
	LabelSpace = "landfall.dev/space"
	// LabelTemplate marks an object as applied from a template; the value
	// is the template name. Tenants cannot modify or delete such objects.
	LabelTemplate = "landfall.dev/template"
	// PodSecurityPrefix is the prefix of the Pod Security Admission labels.
	PodSecurityPrefix = "pod-security.kubernetes.io/"
)

// Finalizers Landfall puts on its objects.
const (
	// SpaceFinalizer makes the manager delete a Space's namespace first.
	SpaceFinalizer = "landfall.dev/space"
	// AccountFinalizer makes the manager delete an Account's spaces first.
	AccountFinalizer = "landfall.dev/account"
)

// IsProtectedLabel reports whether tenants must not set, change or remove
// the label key on a namespace: Landfall's own and Pod Security Admission
// labels.
func IsProtectedLabel(key string) bool {
	return strings.HasPrefix(key, LabelPrefix) || strings.HasPrefix(key, PodSecurityPrefix)
}

// ProtectedLabelChanges returns the protected label keys that differ
// between old and updated labels (added, changed or removed), sorted.
func ProtectedLabelChanges(old, updated map[string]string) []string {
	var keys []string
	for k, v := range updated {
		if IsProtectedLabel(k) {
			if ov, ok := old[k]; !ok || ov != v {
				keys = append(keys, k)
			}
		}
	}
	for k := range old {
		if _, ok := updated[k]; !ok && IsProtectedLabel(k) {
			keys = append(keys, k)
		}
	}
	return sortedUnique(keys)
}
