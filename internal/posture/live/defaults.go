package live

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
)

// bootstrapLabel marks the RBAC objects the API server creates and keeps
// up to date itself.
const bootstrapLabel = "kubernetes.io/bootstrapping"

// subjectChecks judge who a binding names; they run on default objects
// too, since adding a subject to a default binding is how such a binding
// is abused.
var subjectChecks = map[string]bool{"anonymous-binding": true, "authenticated-group-binding": true, "default-service-account-binding": true}

// isUnchangedDefault reports whether u is one of the API server's default
// RBAC objects (label kubernetes.io/bootstrapping=rbac-defaults) whose
// subjects, for a binding, are all system identities: control-plane users
// and groups (system:*) and kube-system service accounts. Findings on such
// objects are the platform's design, not something to fix, and would bury
// the rest of a live report; a subject added by hand makes the binding
// count again.
func isUnchangedDefault(u *unstructured.Unstructured) bool {
	if u.GetLabels()[bootstrapLabel] != "rbac-defaults" {
		return false
	}
	for _, s := range posture.Maps(u.Object, "subjects") {
		switch posture.Str(s, "kind") {
		case "ServiceAccount":
			if posture.Str(s, "namespace") != "kube-system" {
				return false
			}
		default:
			if !strings.HasPrefix(posture.Str(s, "name"), "system:") {
				return false
			}
		}
	}
	return true
}
