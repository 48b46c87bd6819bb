package account

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func TestCreateFlagsBuild(t *testing.T) {
	t.Parallel()
	f := &createFlags{users: []string{"alice"}, groups: []string{"team-a"}, serviceAccounts: []string{"ci/deployer"}, limit: 3, prefix: "a-", templates: []string{"baseline"}}
	a, err := f.build("team-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Spec.Subjects) != 3 || a.Spec.Subjects[2] != (rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "deployer"}) {
		t.Errorf("subjects = %+v", a.Spec.Subjects)
	}
	if a.Spec.Space.Limit == nil || *a.Spec.Space.Limit != 3 || a.Spec.Space.NamePrefix != "a-" || a.Spec.Space.Templates[0].Name != "baseline" {
		t.Errorf("space settings = %+v", a.Spec.Space)
	}
	for name, bad := range map[string]*createFlags{
		"no subject":              {},
		"service account no name": {serviceAccounts: []string{"ci"}},
		"negative limit":          {users: []string{"alice"}, limit: -1},
	} {
		if _, err := bad.build("x"); cliutil.ExitCode(err) != cliutil.ExitUsage {
			t.Errorf("%s: got %v, want a usage error", name, err)
		}
	}
}
