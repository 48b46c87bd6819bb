package account

import (
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func TestCreateFlagsBuild(t *testing.T) {
	t.Parallel()
	f := &createFlags{users: []string{"alice"}, groups: []string{"team-a"}, serviceAccounts: []string{"ci/deployer"}, limit: 3, limitSet: true, prefix: "a-", templates: []string{"baseline"}}
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
		"negative limit":          {users: []string{"alice"}, limit: -1, limitSet: true},
		"param without template":  {users: []string{"alice"}, params: []string{"QUOTA_PODS=3"}},
		"param without value":     {users: []string{"alice"}, params: []string{"baseline.QUOTA_PODS"}},
		"param of no template":    {users: []string{"alice"}, params: []string{"other.X=1"}},
		"param of left-out":       {users: []string{"alice"}, noBaseline: true, params: []string{"baseline.QUOTA_PODS=3"}},
	} {
		if _, err := bad.build("x"); cliutil.ExitCode(err) != cliutil.ExitUsage {
			t.Errorf("%s: got %v, want a usage error", name, err)
		}
	}
}

// TestCreateFlagsBuild_Templates: the baseline stays when templates are
// added (once, even when named), --no-baseline leaves it out, and
// --param sets a parameter of a template by TEMPLATE.NAME, the last
// value winning.
func TestCreateFlagsBuild_Templates(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	a, err := (&createFlags{groups: []string{"g"}, templates: []string{"my.backup", "baseline"}, params: []string{
		"baseline.QUOTA_PODS=20", "my.backup.SCHEDULE=@daily", "baseline.QUOTA_PODS=50",
	}}).build("x")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(a.Spec.Space.Templates).To(Equal([]landfallv1alpha1.TemplateReference{
		{Name: "baseline", Parameters: []landfallv1alpha1.ParameterValue{{Name: "QUOTA_PODS", Value: "50"}}},
		{Name: "my.backup", Parameters: []landfallv1alpha1.ParameterValue{{Name: "SCHEDULE", Value: "@daily"}}},
	}))

	a, err = (&createFlags{groups: []string{"g"}, noBaseline: true, templates: []string{"custom"}}).build("x")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(a.Spec.Space.Templates).To(Equal([]landfallv1alpha1.TemplateReference{{Name: "custom"}}))

	_, err = (&createFlags{groups: []string{"g"}, params: []string{"other.X=1"}}).build("x")
	g.Expect(err).To(MatchError(ContainSubstring(`--param "other.X": template other is not one of the account's (baseline)`)))
}

// TestCreateFlagsBuild_Limit: no --limit is no limit, --limit 0 allows
// no space.
func TestCreateFlagsBuild_Limit(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	a, err := (&createFlags{groups: []string{"g"}}).build("x")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(a.Spec.Space.Limit).To(BeNil())
	a, err = (&createFlags{groups: []string{"g"}, limitSet: true}).build("x")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(a.Spec.Space.Limit).To(HaveValue(BeEquivalentTo(0)))
}

// TestCreateCommand_GroupsKeepTheirCommas: a group may be an LDAP DN; a
// comma in it must not split it into several subjects.
func TestCreateCommand_GroupsKeepTheirCommas(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	cmd := createCommand()
	g.Expect(cmd.ParseFlags([]string{"--group", "cn=devs,ou=groups,dc=example,dc=com", "--user", "a,b", "--limit", "0"})).To(Succeed())
	for _, name := range []string{"group", "user"} {
		values, err := cmd.Flags().GetStringArray(name)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(values).To(HaveLen(1), name)
	}
	g.Expect(cmd.Flags().Changed("limit")).To(BeTrue())
}
