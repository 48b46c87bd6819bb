package cani

import (
	"encoding/json"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/rbac"
)

// seed creates a namespace with a Role for reading pods bound to its
// deployer service account (namespace defaulted) and to a group, and
// returns the namespace and the group.
func seed(t *testing.T) (string, string) {
	t.Helper()
	g := NewWithT(t)
	cs := env.Admin(t)
	ctx := t.Context()
	ns := env.Namespace(t)
	group := "devs-" + rand.String(5)
	_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "deployer"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
		Rules:      []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "read-pods"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
		Subjects: []rbacv1.Subject{
			{Kind: rbacv1.ServiceAccountKind, Name: "deployer"},
			{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: group},
		},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	// The tests compare with the API server's own answer.
	env.WaitAllowed(t, "system:serviceaccount:"+ns+":deployer", authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods", Namespace: ns})
	return ns, group
}

func TestCanI_List(t *testing.T) {
	g := NewWithT(t)
	ns, _ := seed(t)
	admin := env.Cluster(t).AdminKubeconfig()

	r := run(t, "--as", "serviceaccount:"+ns+":deployer", "--list", "-n", ns, "-o", "json", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.Out)
	var res ListResult
	g.Expect(json.Unmarshal([]byte(r.Out), &res)).To(Succeed())
	g.Expect(res.User).To(Equal(rbac.User{Name: "system:serviceaccount:" + ns + ":deployer",
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}}))
	var via []string
	for _, rule := range res.Rules {
		via = append(via, rule.Binding.String()+" "+rbac.RuleString(rule.Rule))
	}
	g.Expect(via).To(ContainElements(
		"RoleBinding/"+ns+"/read-pods get,list pods",
		"ClusterRoleBinding/system:public-info-viewer get /healthz,/livez,/readyz,/version,/version/",
	))
	g.Expect(via).NotTo(ContainElement(ContainSubstring("cluster-admin")))

	// The same as a table, asked by another user (the platform admin).
	r = run(t, "--as", "system:serviceaccount:"+ns+":deployer", "--list", "-n", ns, "--kubeconfig", env.UserKubeconfig(t, "platform-admin"))
	g.Expect(r.Err).NotTo(HaveOccurred(), r.Out)
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	g.Expect(lines[0]).To(MatchRegexp(`^RESOURCES +NON-RESOURCE URLS +RESOURCE NAMES +VERBS +VIA$`))
	g.Expect(lines).To(ContainElement(MatchRegexp(`^pods +\[\] +\[\] +\[get list\] +RoleBinding/%s/read-pods -> Role/%s/pod-reader$`, ns, ns)))
	g.Expect(lines).To(ContainElement(MatchRegexp(`^ +\[/healthz\] +\[\] +\[get\] +ClusterRoleBinding/system:public-info-viewer -> ClusterRole/system:public-info-viewer$`)))

	// Elsewhere the RoleBinding does not apply.
	r = run(t, "--as", "serviceaccount:"+ns+":deployer", "--list", "-n", "default", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.Out)
	g.Expect(r.Out).NotTo(ContainSubstring("read-pods"))
}

func TestCanI_Check(t *testing.T) {
	g := NewWithT(t)
	ns, group := seed(t)
	admin := env.Cluster(t).AdminKubeconfig()
	sa := "system:serviceaccount:" + ns + ":deployer"
	cases := []struct {
		args    []string
		user    authorizationv1.SubjectAccessReviewSpec
		request authorizationv1.ResourceAttributes
		path    string
		allowed bool
	}{
		{[]string{"--as", sa, "list", "pods", "-n", ns},
			authorizationv1.SubjectAccessReviewSpec{User: sa, Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}},
			authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods", Namespace: ns}, "", true},
		{[]string{"--as", sa, "list", "po", "-n", "default"},
			authorizationv1.SubjectAccessReviewSpec{User: sa, Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}},
			authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods", Namespace: "default"}, "", false},
		{[]string{"--as", "bob", "--as-group", group, "get", "pods", "--name", "x", "-n", ns},
			authorizationv1.SubjectAccessReviewSpec{User: "bob", Groups: []string{"system:authenticated", group}},
			authorizationv1.ResourceAttributes{Verb: "get", Resource: "pods", Name: "x", Namespace: ns}, "", true},
		{[]string{"--as", "user:bob", "get", "pods", "-n", ns},
			authorizationv1.SubjectAccessReviewSpec{User: "bob", Groups: []string{"system:authenticated"}},
			authorizationv1.ResourceAttributes{Verb: "get", Resource: "pods", Namespace: ns}, "", false},
		{[]string{"--as", "group:" + group, "delete", "pods", "-n", ns},
			authorizationv1.SubjectAccessReviewSpec{Groups: []string{group}},
			authorizationv1.ResourceAttributes{Verb: "delete", Resource: "pods", Namespace: ns}, "", false},
		{[]string{"--as", "system:anonymous", "get", "/healthz"},
			authorizationv1.SubjectAccessReviewSpec{User: "system:anonymous", Groups: []string{"system:unauthenticated"}},
			authorizationv1.ResourceAttributes{}, "/healthz", true},
		{[]string{"--as", "system:anonymous", "get", "/metrics"},
			authorizationv1.SubjectAccessReviewSpec{User: "system:anonymous", Groups: []string{"system:unauthenticated"}},
			authorizationv1.ResourceAttributes{}, "/metrics", false},
	}
	for _, tc := range cases {
		r := run(t, append(tc.args, "--kubeconfig", admin)...)
		// The API server agrees.
		spec := tc.user
		if tc.path != "" {
			spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Verb: "get", Path: tc.path}
		} else {
			spec.ResourceAttributes = &tc.request
		}
		sar, err := env.Admin(t).AuthorizationV1().SubjectAccessReviews().Create(t.Context(),
			&authorizationv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(sar.Status.Allowed).To(Equal(tc.allowed), "%v", tc.args)
		if tc.allowed {
			g.Expect(r.Err).NotTo(HaveOccurred(), "%v: %s", tc.args, r.Out)
			g.Expect(r.Out).To(HavePrefix("yes\n  via "), "%v", tc.args)
		} else {
			g.Expect(r.Code).To(Equal(cliutil.ExitFailure), "%v: %v", tc.args, r.Err)
			g.Expect(r.Out).To(Equal("no\n"), "%v", tc.args)
		}
	}

	r := run(t, "--as", sa, "list", "pods", "-n", ns, "--kubeconfig", admin)
	g.Expect(r.Out).To(Equal("yes\n  via RoleBinding/" + ns + "/read-pods -> Role/" + ns + "/pod-reader (namespace " + ns +
		", subject ServiceAccount " + ns + "/deployer, rule get,list pods)\n"))
	r = run(t, "--as", sa, "create", "pods/exec", "-n", ns, "-o", "json", "--kubeconfig", admin)
	g.Expect(r.Code).To(Equal(cliutil.ExitFailure))
	var res CheckResult
	g.Expect(json.Unmarshal([]byte(r.Out), &res)).To(Succeed())
	g.Expect(res.Allowed).To(BeFalse())
	g.Expect(res.Request).To(Equal(rbac.Attributes{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: ns}))
}

func TestCanI_Errors(t *testing.T) {
	admin := env.Cluster(t).AdminKubeconfig()
	cases := map[string]struct {
		args []string
		code int
		msg  string
	}{
		"no --as":           {[]string{"--list"}, cliutil.ExitUsage, "--as is required"},
		"bad subject":       {[]string{"--as", "robot:r2", "--list"}, cliutil.ExitUsage, `unknown kind "robot"`},
		"bad SA subject":    {[]string{"--as", "serviceaccount:ns", "--list"}, cliutil.ExitUsage, "serviceaccount:NAMESPACE:NAME"},
		"list with args":    {[]string{"--as", "bob", "--list", "get", "pods"}, cliutil.ExitUsage, "--list takes no arguments"},
		"one argument":      {[]string{"--as", "bob", "get"}, cliutil.ExitUsage, "want --list, or VERB and RESOURCE"},
		"unknown resource":  {[]string{"--as", "bob", "get", "widgets"}, cliutil.ExitUsage, `resource type "widgets"`},
		"unknown flag":      {[]string{"--as", "bob", "--lisst"}, cliutil.ExitUsage, "unknown flag"},
		"bad output format": {[]string{"--as", "bob", "--list", "-o", "wide"}, cliutil.ExitUsage, `unknown output format "wide"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			r := run(t, append(tc.args, "--kubeconfig", admin)...)
			g.Expect(r.Code).To(Equal(tc.code), "%v", r.Err)
			g.Expect(r.Err).To(MatchError(ContainSubstring(tc.msg)))
		})
	}
	g := NewWithT(t)
	r := run(t, "--as", "bob", "--list", "--kubeconfig", env.UserKubeconfig(t, "alice"))
	g.Expect(r.Code).To(Equal(cliutil.ExitFailure))
	g.Expect(r.Err).To(MatchError(And(ContainSubstring("forbidden"), ContainSubstring("needs list on roles"))))
}
