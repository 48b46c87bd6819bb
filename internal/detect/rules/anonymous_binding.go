package rules

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// AnonymousBinding reports bindings that grant rights to unauthenticated
// requests.
var AnonymousBinding = detect.Rule{
	ID:         "anonymous-binding-created",
	Title:      "Rights granted to anonymous users",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9029", "MS-TA9019"},
	Description: "Reports RoleBindings and ClusterRoleBindings written with the subject system:anonymous " +
		"or system:unauthenticated: anyone who reaches the API server gets the role's rights without " +
		"credentials.",
	Response: "Delete the binding unless an exposed endpoint truly needs it; keep --anonymous-auth off where possible.",
	Needs:    []detect.Need{needRBACBodies},
	Match:    anonymousBinding,
}

func anonymousBinding(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ev.APIGroup() != "rbac.authorization.k8s.io" || !(ev.Resource() == "clusterrolebindings" || ev.Resource() == "rolebindings") ||
		ev.Subresource() != "" || !ev.VerbIn(writeVerbs...) || !byUser(ev) {
		return "", false
	}
	o := ev.Object()
	if o == nil || o.RoleRef == nil {
		return "", false
	}
	for _, s := range o.Subjects {
		if (s.Kind == "User" && s.Name == "system:anonymous") || (s.Kind == "Group" && s.Name == "system:unauthenticated") {
			return fmt.Sprintf("%s grants %s %s to %s", objectName(ev), strings.ToLower(o.RoleRef.Kind), o.RoleRef.Name, s.Name), true
		}
	}
	return "", false
}

// subjects renders binding subjects as "user alice, group team-a".
func subjects(ss []detect.Subject) string {
	if len(ss) == 0 {
		return "no subject"
	}
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		name := s.Name
		if s.Namespace != "" {
			name = s.Namespace + "/" + s.Name
		}
		parts = append(parts, strings.ToLower(s.Kind)+" "+name)
	}
	return strings.Join(parts, ", ")
}
