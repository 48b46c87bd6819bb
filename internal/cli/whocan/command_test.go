package whocan

import (
	"encoding/json"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/yaml"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/rbac"
)

// seed creates, in a new namespace, a Role for reading pods bound to alice
// and to the namespace's deployer service account (namespace left to
// default), a Role for reading the secret "config" bound to bob, and a
// ClusterRole for reading secrets bound cluster-wide to a
// group. It returns the namespace and the group.
func seed(t *testing.T) (string, string) {
	t.Helper()
	g := NewWithT(t)
	cs := env.Admin(t)
	ctx := t.Context()
	ns := env.Namespace(t)
	group := "auditors-" + rand.String(5)
	_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "deployer"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
		Rules:      []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "read-pods"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
		Subjects: []rbacv1.Subject{
			{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice"},
			{Kind: rbacv1.ServiceAccountKind, Name: "deployer"},
		},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "config-reader"},
		Rules:      []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"config"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "read-config"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "config-reader"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "bob"}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	name := group + "-secrets"
	_, err = cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Rules:      []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"secrets"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: group}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{})
		_ = cs.RbacV1().ClusterRoles().Delete(ctx, name, metav1.DeleteOptions{})
	})
	return ns, group
}

func decode(t *testing.T, out string) Result {
	t.Helper()
	var res Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("decoding %q: %v", out, err)
	}
	return res
}

func subjects(res Result) []string {
	var out []string
	for _, g := range res.Grants {
		out = append(out, rbac.SubjectString(g.Subject)+" via "+g.Binding.String())
	}
	return out
}

func TestWhoCan_ListsSubjectsBindingsAndRoles(t *testing.T) {
	g := NewWithT(t)
	ns, group := seed(t)
	admin := env.Cluster(t).AdminKubeconfig()

	// In the namespace: the RoleBinding's subjects (the service account's
	// namespace defaulted) and the cluster admins.
	r := run(t, "list", "pods", "-n", ns, "-o", "json", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
	res := decode(t, r.Out)
	g.Expect(res.Request).To(Equal(rbac.Attributes{Verb: "list", Resource: "pods", Namespace: ns}))
	g.Expect(subjects(res)).To(ContainElements(
		"User alice via RoleBinding/"+ns+"/read-pods",
		"ServiceAccount "+ns+"/deployer via RoleBinding/"+ns+"/read-pods",
		"Group system:masters via ClusterRoleBinding/cluster-admin",
		"User platform-admin via ClusterRoleBinding/landfall-local:platform-admin",
	))
	g.Expect(subjects(res)).NotTo(ContainElement(ContainSubstring(group)))

	// The same with a short name and as a table.
	r = run(t, "list", "po", "-n", ns, "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	g.Expect(strings.Fields(lines[0])).To(Equal([]string{"KIND", "SUBJECT", "BINDING", "ROLE", "SCOPE"}))
	g.Expect(lines).To(ContainElement(MatchRegexp(`^User +alice +RoleBinding/%s/read-pods +Role/%s/pod-reader +namespace %s$`, ns, ns, ns)))
	g.Expect(lines).To(ContainElement(MatchRegexp(`^Group +system:masters +ClusterRoleBinding/cluster-admin +ClusterRole/cluster-admin +cluster-wide$`)))

	// A subresource the Role names; another namespace does not count.
	r = run(t, "get", "pods/log", "-n", "default", "-o", "yaml", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
	var other Result
	g.Expect(yaml.Unmarshal([]byte(r.Out), &other)).To(Succeed())
	g.Expect(other.Request.Subresource).To(Equal("log"))
	g.Expect(subjects(other)).NotTo(ContainElement(ContainSubstring("alice")))

	// Every namespace: the group's cluster-wide grant.
	r = run(t, "get", "secrets", "-A", "-o", "json", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
	res = decode(t, r.Out)
	g.Expect(res.AllNamespaces).To(BeTrue())
	g.Expect(subjects(res)).To(ContainElement("Group " + group + " via ClusterRoleBinding/" + group + "-secrets"))

	// Non-resource URLs: the API server's default public-info-viewer.
	r = run(t, "get", "/healthz", "-o", "json", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
	g.Expect(subjects(decode(t, r.Out))).To(ContainElements(
		"Group system:authenticated via ClusterRoleBinding/system:public-info-viewer",
		"Group system:unauthenticated via ClusterRoleBinding/system:public-info-viewer",
	))

	// A cluster-scoped resource drops the namespace, with a warning.
	r = run(t, "get", "nodes/proxy", "-n", ns, "-o", "json", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
	g.Expect(decode(t, r.Out).Request.Namespace).To(BeEmpty())
	g.Expect(r.ErrOut).To(ContainSubstring("nodes/proxy has no namespace; --namespace is ignored"))

	// resourceNames: bob may get the named secret only, and never list.
	// Asked by another user, the platform admin.
	platformAdmin := env.UserKubeconfig(t, "platform-admin")
	bob := "User bob via RoleBinding/" + ns + "/read-config"
	r = run(t, "get", "secrets", "--name", "config", "-n", ns, "-o", "json", "--kubeconfig", platformAdmin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
	g.Expect(subjects(decode(t, r.Out))).To(ContainElement(bob))
	for _, args := range [][]string{{"get", "secrets", "--name", "other"}, {"list", "secrets"}} {
		r = run(t, append(args, "-n", ns, "-o", "json", "--kubeconfig", platformAdmin)...)
		g.Expect(r.Err).NotTo(HaveOccurred(), r.ErrOut)
		g.Expect(subjects(decode(t, r.Out))).NotTo(ContainElement(bob), "%v", args)
	}
}

func TestWhoCan_NothingAllowed(t *testing.T) {
	g := NewWithT(t)
	var res Result
	res.Request = rbac.Attributes{Verb: "get", Resource: "widgets", Namespace: "x"}
	var b strings.Builder
	g.Expect(Print(&b, res)).To(Succeed())
	g.Expect(b.String()).To(Equal("No subject can get widgets in namespace x.\n"))
	res.AllNamespaces, res.Request.Namespace = true, ""
	b.Reset()
	g.Expect(Print(&b, res)).To(Succeed())
	g.Expect(b.String()).To(Equal("No subject can get widgets cluster-wide in any namespace.\n"))
}

func TestWhoCan_Errors(t *testing.T) {
	admin := env.Cluster(t).AdminKubeconfig()
	cases := map[string]struct {
		args []string
		code int
		msg  string
	}{
		"unknown resource":        {[]string{"get", "widgets"}, cliutil.ExitUsage, `the server doesn't have a resource type "widgets"`},
		"unknown resource group":  {[]string{"get", "widgets.example.com"}, cliutil.ExitUsage, `resource type "widgets" in group "example.com"`},
		"unknown subresource":     {[]string{"create", "pods/shell"}, cliutil.ExitUsage, `the server doesn't have a subresource "shell" of "pods"`},
		"one argument":            {[]string{"get"}, cliutil.ExitUsage, "want VERB and RESOURCE"},
		"namespace and all":       {[]string{"get", "pods", "-n", "x", "-A"}, cliutil.ExitUsage, "exclude each other"},
		"bad output":              {[]string{"get", "pods", "-o", "xml"}, cliutil.ExitUsage, `unknown output format "xml"`},
		"name on a URL":           {[]string{"get", "/healthz", "--name", "x"}, cliutil.ExitUsage, "a name does not apply"},
		"missing kubeconfig file": {[]string{"get", "pods", "--kubeconfig", "/nonexistent/kubeconfig"}, cliutil.ExitFailure, "/nonexistent/kubeconfig"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			args := tc.args
			if !strings.Contains(strings.Join(args, " "), "--kubeconfig") {
				args = append(args, "--kubeconfig", admin)
			}
			r := run(t, args...)
			g.Expect(r.Code).To(Equal(tc.code), "%v", r.Err)
			g.Expect(r.Err).To(MatchError(ContainSubstring(tc.msg)))
		})
	}

	// alice may not read RBAC: told what is missing.
	g := NewWithT(t)
	r := run(t, "get", "pods", "--kubeconfig", env.UserKubeconfig(t, "alice"))
	g.Expect(r.Code).To(Equal(cliutil.ExitFailure))
	g.Expect(r.Err).To(MatchError(And(ContainSubstring("forbidden"), ContainSubstring(`"alice"`),
		ContainSubstring("needs list on roles, clusterroles, rolebindings and clusterrolebindings"))))
}
