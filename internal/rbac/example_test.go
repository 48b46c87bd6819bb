package rbac_test

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/landfall-dev/landfall/internal/rbac"
)

// Who may read secrets in team-a, and whether a service account may.
func ExampleSnapshot_WhoCan() {
	snap, err := rbac.New(rbac.Options{},
		&rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: "secret-reader"},
			Rules:      []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"secrets"}}},
		},
		&rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "ci-reads-secrets"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "secret-reader"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "ci"}},
		},
	)
	if err != nil {
		panic(err)
	}
	list := rbac.Attributes{Verb: "list", Resource: "secrets", Namespace: "team-a"}
	for _, g := range snap.WhoCan(list) {
		fmt.Printf("%s via %s -> %s (%s)\n", rbac.SubjectString(g.Subject), g.Binding, g.Role, g.Scope())
	}
	ci := rbac.UserFor(rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: "team-a", Name: "ci"})
	inTeamA, _ := snap.Allowed(ci, list)
	list.Namespace = "team-b"
	inTeamB, _ := snap.Allowed(ci, list)
	fmt.Println(inTeamA, inTeamB)
	// Output:
	// ServiceAccount team-a/ci via RoleBinding/team-a/ci-reads-secrets -> ClusterRole/secret-reader (namespace team-a)
	// true false
}
