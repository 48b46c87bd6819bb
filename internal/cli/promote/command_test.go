package promote

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// grant creates a Role with one rule in ns and binds it to a subject.
func grant(t *testing.T, ns, name string, rule rbacv1.PolicyRule, subject rbacv1.Subject) {
	t.Helper()
	ctx := context.Background()
	admin := tenants.AdminClient(t)
	if err := admin.Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: []rbacv1.PolicyRule{rule}}); err != nil {
		t.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{subject},
	}
	if err := admin.Create(ctx, rb); err != nil {
		t.Fatal(err)
	}
}

func userSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

// TestPromoteCommand_ApprovalIsRBAC: bob may create promotions but not
// approve them; a promotion to staging (which requires approval) waits
// until alice, who holds the approve verb, approves it; the commit lands
// and staging converges.
func TestPromoteCommand_ApprovalIsRBAC(t *testing.T) {
	g := NewWithT(t)
	tenants.StartManager(t)
	manager.Start(t)
	ctx := context.Background()
	admin := tenants.AdminClient(t)
	platform, dev, staging := env.Namespace(t), env.Namespace(t), env.Namespace(t)
	if err := admin.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: platform, Name: "deployer"}}); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{dev, staging} {
		grant(t, ns, "deployer", rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}},
			rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: platform, Name: "deployer"})
	}
	edit := rbacv1.PolicyRule{APIGroups: []string{landfallv1alpha1.Group}, Resources: []string{"promotions", "environments"}, Verbs: []string{"get", "list", "create", "patch"}}
	grant(t, platform, "bob", edit, userSubject("bob"))
	approver := edit
	approver.Verbs = append(approver.Verbs, landfallv1alpha1.PromotionApproveVerb)
	grant(t, platform, "alice", approver, userSubject("alice"))
	alice, bob := tenants.Kubeconfig(t, "alice"), tenants.Kubeconfig(t, "bob")

	// The manifests name no namespace: each environment puts them in its
	// target namespace, so the directory is promoted unchanged.
	repo := dt.NewRepo(t, map[string]string{
		"dev/web/cm.yaml":     dt.ConfigMap("web", "", "version", "2"),
		"staging/web/cm.yaml": dt.ConfigMap("web", "", "version", "1"),
	})
	head := repo.Head(t)
	for _, e := range []*landfallv1alpha1.Environment{
		{ObjectMeta: metav1.ObjectMeta{Namespace: platform, Name: "dev"}, Spec: landfallv1alpha1.EnvironmentSpec{
			Source: landfallv1alpha1.GitSource{URL: repo.Bare, Path: "dev"}, ServiceAccountName: "deployer",
			Target: landfallv1alpha1.EnvironmentTarget{Namespaces: []string{dev}}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: platform, Name: "staging"}, Spec: landfallv1alpha1.EnvironmentSpec{
			Source: landfallv1alpha1.GitSource{URL: repo.Bare, Path: "staging"}, ServiceAccountName: "deployer",
			Target:    landfallv1alpha1.EnvironmentTarget{Namespaces: []string{staging}},
			Promotion: landfallv1alpha1.PromotionPolicy{RequireApproval: true}}},
	} {
		g.Expect(admin.Create(ctx, e)).To(Succeed())
	}
	g.Eventually(func(g Gomega) {
		e := &landfallv1alpha1.Environment{}
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: platform, Name: "dev"}, e)).To(Succeed())
		g.Expect(e.Status.LastAppliedRevision).To(Equal(head))
		g.Expect(meta.IsStatusConditionTrue(e.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
	}).WithTimeout(60 * time.Second).Should(Succeed())

	out, err := execute(t, "web", "--from", "dev", "--to", "staging", "--copy", "-n", platform, "--kubeconfig", bob)
	g.Expect(err).NotTo(HaveOccurred(), out)
	m := regexp.MustCompile(`^promotion/(web-staging-\w+) created: web from dev to staging\n$`).FindStringSubmatch(out)
	g.Expect(m).To(HaveLen(2), out)
	name := m[1]
	g.Eventually(func() (string, error) {
		return execute(t, "list", "-n", platform, "--kubeconfig", bob)
	}).WithTimeout(30 * time.Second).Should(MatchRegexp(`(?m)^` + name + `\s+web\s+dev\s+staging\s+WaitingForApproval\s+-\s+`))

	out, err = execute(t, "approve", name, "-n", platform, "--kubeconfig", bob)
	g.Expect(err).To(HaveOccurred(), out)
	g.Expect(err.Error()).To(ContainSubstring("user bob may not approve promotions in namespace " + platform))
	g.Consistently(func() string { return repo.Head(t) }).WithTimeout(2 * time.Second).Should(Equal(head))

	out, err = execute(t, "approve", name, "-n", platform, "--kubeconfig", alice, "--message", "CAB-7")
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(Equal("promotion/" + name + " approved by alice\n"))

	p := &landfallv1alpha1.Promotion{}
	g.Eventually(func(g Gomega) {
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: platform, Name: name}, p)).To(Succeed())
		g.Expect(p.Status.Phase).To(Equal(landfallv1alpha1.PromotionSucceeded), p.Status.Message)
	}).WithTimeout(60 * time.Second).Should(Succeed())
	log := repo.Log(t)
	g.Expect(log[0].SHA).To(Equal(p.Status.Commit))
	g.Expect(log[0].Message).To(ContainSubstring("Approved-by: alice"))
	g.Expect(log[0].Message).To(ContainSubstring("CAB-7"))
	g.Expect(repo.ReadFile(t, "staging/web/cm.yaml")).To(ContainSubstring(`version: "2"`))
	g.Eventually(func(g Gomega) {
		cm := &corev1.ConfigMap{}
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: staging, Name: "web"}, cm)).To(Succeed())
		g.Expect(cm.Data).To(HaveKeyWithValue("version", "2"))
	}).WithTimeout(60*time.Second).Should(Succeed(), "staging converges on the promotion commit")

	out, err = execute(t, "approve", name, "-n", platform, "--kubeconfig", alice)
	g.Expect(err).To(HaveOccurred(), out)
	g.Expect(err.Error()).To(ContainSubstring("already Succeeded"))
}

// TestPromoteCommand_WaitReportsTheOutcome: --wait follows a promotion to
// its end and reports each phase; a refused promotion is reported as
// such.
func TestPromoteCommand_WaitReportsTheOutcome(t *testing.T) {
	g := NewWithT(t)
	tenants.StartManager(t)
	manager.Start(t)
	ctx := context.Background()
	admin := tenants.AdminClient(t)
	platform, dev, qa := env.Namespace(t), env.Namespace(t), env.Namespace(t)
	if err := admin.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: platform, Name: "deployer"}}); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{dev, qa} {
		grant(t, ns, "deployer", rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}},
			rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: platform, Name: "deployer"})
	}
	repo := dt.NewRepo(t, map[string]string{
		"envs/dev/api/app.yaml": dt.Deployment("api", "", "registry.example/api:2.0"),
		"envs/qa/api/app.yaml":  dt.Deployment("api", "", "registry.example/api:1.0"),
	})
	head := repo.Head(t)
	for n, target := range map[string]string{"dev": dev, "qa": qa} {
		g.Expect(admin.Create(ctx, &landfallv1alpha1.Environment{
			ObjectMeta: metav1.ObjectMeta{Namespace: platform, Name: n},
			Spec: landfallv1alpha1.EnvironmentSpec{Source: landfallv1alpha1.GitSource{URL: repo.Bare, Path: "envs/" + n}, ServiceAccountName: "deployer",
				Target: landfallv1alpha1.EnvironmentTarget{Namespaces: []string{target}}, HealthTimeout: &metav1.Duration{Duration: time.Second}},
		})).To(Succeed())
	}
	g.Eventually(func(g Gomega) {
		e := &landfallv1alpha1.Environment{}
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: platform, Name: "dev"}, e)).To(Succeed())
		g.Expect(e.Status.LastAttemptedRevision).To(Equal(head))
	}).WithTimeout(60 * time.Second).Should(Succeed())

	// No nodes in this cluster: the Deployment never becomes healthy, so
	// dev is not Ready and the promotion is refused.
	padmin := tenants.Kubeconfig(t, "platform-admin")
	out, err := execute(t, "api", "--from", "dev", "--to", "qa", "--name", "api-refused", "--revision", head, "-n", platform, "--wait", "--timeout", "5s", "--kubeconfig", padmin)
	g.Expect(err).To(HaveOccurred(), out)
	g.Expect(out).To(ContainSubstring("promotion/api-refused created: api from dev to qa\nRefused: source environment dev is at revision none, not " + head[:12]))
	g.Expect(err.Error()).To(ContainSubstring("waiting for promotion api-refused (Refused:"))

	// Once dev is healthy (a ConfigMap instead), --wait reports success.
	second := repo.Commit(t, "api as config", map[string]string{"envs/dev/api/app.yaml": dt.ConfigMap("api", "", "image", "registry.example/api:2.0")})
	g.Eventually(func(g Gomega) {
		e := &landfallv1alpha1.Environment{}
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: platform, Name: "dev"}, e)).To(Succeed())
		g.Expect(e.Status.LastAppliedRevision).To(Equal(second))
	}).WithTimeout(60 * time.Second).Should(Succeed())
	out, err = execute(t, "api", "--from", "dev", "--to", "qa", "--copy", "--name", "api-qa", "-n", platform, "--wait", "--kubeconfig", padmin)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(MatchRegexp(`(?s)^promotion/api-qa created: api from dev to qa\n.*Succeeded: committed [0-9a-f]{12} to main: api promoted from dev at ` + second[:12] + `\n$`))
	g.Expect(strings.Contains(repo.ReadFile(t, "envs/qa/api/app.yaml"), "kind: ConfigMap")).To(BeTrue())
	g.Eventually(func(g Gomega) {
		cm := &corev1.ConfigMap{}
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: qa, Name: "api"}, cm)).To(Succeed())
	}).WithTimeout(60*time.Second).Should(Succeed(), "qa applies the promoted directory in its own namespace")

	out, err = execute(t, "nothing", "--from", "dev", "-n", platform, "--kubeconfig", padmin)
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), out)
}
