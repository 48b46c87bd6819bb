package rbac

import (
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
)

func TestRuleAllows(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		rule  rbacv1.PolicyRule
		attrs Attributes
		want  bool
	}{
		"exact verb, group and resource": {
			rule("get", "", "pods"), Attributes{Verb: "get", Resource: "pods"}, true},
		"other verb": {
			rule("get", "", "pods"), Attributes{Verb: "list", Resource: "pods"}, false},
		"wildcard verb": {
			rule("*", "", "pods"), Attributes{Verb: "deletecollection", Resource: "pods"}, true},
		"a request for verb * needs a * rule": {
			rule("get,list", "", "pods"), Attributes{Verb: "*", Resource: "pods"}, false},
		"other group": {
			rule("get", "apps", "deployments"), Attributes{Verb: "get", Resource: "deployments"}, false},
		"wildcard group": {
			rule("get", "*", "deployments"), Attributes{Verb: "get", APIGroup: "apps", Resource: "deployments"}, true},
		"wildcard resource matches subresources too": {
			rule("get", "", "*"), Attributes{Verb: "get", Resource: "pods", Subresource: "log"}, true},
		"resource rule does not match its subresource": {
			rule("get", "", "pods"), Attributes{Verb: "get", Resource: "pods", Subresource: "log"}, false},
		"resource/subresource matches exactly": {
			rule("create", "", "pods/exec"), Attributes{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		"resource/subresource does not match the resource": {
			rule("get", "", "pods/log"), Attributes{Verb: "get", Resource: "pods"}, false},
		"*/subresource matches any resource's subresource": {
			rule("update", "*", "*/status"), Attributes{Verb: "update", APIGroup: "apps", Resource: "deployments", Subresource: "status"}, true},
		"*/subresource does not match another subresource": {
			rule("update", "*", "*/status"), Attributes{Verb: "update", Resource: "pods", Subresource: "scale"}, false},
		"*/subresource does not match the resource itself": {
			rule("update", "*", "*/status"), Attributes{Verb: "update", Resource: "pods"}, false},
		"*/subresource needs the whole subresource name": {
			rule("get", "", "*/tus"), Attributes{Verb: "get", Resource: "pods", Subresource: "status"}, false},
		"pods/* is not a wildcard": {
			rule("get", "", "pods/*"), Attributes{Verb: "get", Resource: "pods", Subresource: "log"}, false},
		"resourceNames match the named object": {
			rule("get", "", "secrets", "a"), Attributes{Verb: "get", Resource: "secrets", Name: "a"}, true},
		"resourceNames do not match another name": {
			rule("get", "", "secrets", "a"), Attributes{Verb: "get", Resource: "secrets", Name: "b"}, false},
		"resourceNames never match list (no name)": {
			rule("list", "", "secrets", "a"), Attributes{Verb: "list", Resource: "secrets"}, false},
		"resourceNames never match create (no name)": {
			rule("create", "", "pods", "a"), Attributes{Verb: "create", Resource: "pods"}, false},
		"a rule without resourceNames matches any name": {
			rule("get", "", "secrets"), Attributes{Verb: "get", Resource: "secrets", Name: "x"}, true},
		"a resource rule never matches a non-resource URL": {
			rule("get", "*", "*"), Attributes{Verb: "get", Path: "/healthz"}, false},
		"non-resource URL exact": {
			urls("get", "/healthz"), Attributes{Verb: "get", Path: "/healthz"}, true},
		"non-resource URL is not a prefix without *": {
			urls("get", "/healthz"), Attributes{Verb: "get", Path: "/healthz/etcd"}, false},
		"non-resource URL prefix with trailing *": {
			urls("get", "/healthz/*"), Attributes{Verb: "get", Path: "/healthz/etcd"}, true},
		"trailing * is a plain prefix, not a path segment": {
			urls("get", "/logs*"), Attributes{Verb: "get", Path: "/logsabc"}, true},
		"prefix /api/* does not match /api": {
			urls("get", "/api/*"), Attributes{Verb: "get", Path: "/api"}, false},
		"several trailing * are one prefix": {
			urls("get", "/api**"), Attributes{Verb: "get", Path: "/apis"}, true},
		"* matches every URL": {
			urls("get", "*"), Attributes{Verb: "get", Path: "/anything"}, true},
		"non-resource rule checks the verb": {
			urls("get", "*"), Attributes{Verb: "post", Path: "/anything"}, false},
		"a non-resource rule never matches a resource request": {
			urls("*", "*"), Attributes{Verb: "get", Resource: "pods"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			g.Expect(RuleAllows(tc.attrs, &tc.rule)).To(Equal(tc.want))
		})
	}
}

func TestAppliesTo(t *testing.T) {
	t.Parallel()
	sa := User{Name: "system:serviceaccount:ns:app", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:ns"}}
	cases := map[string]struct {
		user      User
		subject   rbacv1.Subject
		namespace string
		want      bool
	}{
		"user by name":                             {User{Name: "alice"}, userSubject("alice"), "", true},
		"user by another name":                     {User{Name: "alice"}, userSubject("bob"), "", false},
		"user subject never matches a group":       {User{Name: "x", Groups: []string{"alice"}}, userSubject("alice"), "", false},
		"group by membership":                      {User{Name: "alice", Groups: []string{"devs"}}, groupSubject("devs"), "", true},
		"group subject never matches the name":     {User{Name: "devs"}, groupSubject("devs"), "", false},
		"service account with namespace":           {sa, saSubject("ns", "app"), "", true},
		"service account of another namespace":     {sa, saSubject("other", "app"), "other", false},
		"service account defaults to binding ns":   {sa, saSubject("", "app"), "ns", true},
		"defaulted to another binding namespace":   {sa, saSubject("", "app"), "other", false},
		"no namespace in a ClusterRoleBinding":     {sa, saSubject("", "app"), "", false},
		"SA subject matches the user name only":    {User{Name: "system:serviceaccount:ns:app"}, saSubject("ns", "app"), "", true},
		"SA group in a group subject":              {sa, groupSubject("system:serviceaccounts:ns"), "", true},
		"unknown kind":                             {User{Name: "alice"}, rbacv1.Subject{Kind: "Robot", Name: "alice"}, "", false},
		"system:anonymous is a user like any":      {User{Name: "system:anonymous"}, userSubject("system:anonymous"), "", true},
		"unauthenticated group for anonymous only": {User{Name: "system:anonymous", Groups: []string{"system:unauthenticated"}}, groupSubject("system:authenticated"), "", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			g.Expect(appliesTo(tc.user, &tc.subject, tc.namespace)).To(Equal(tc.want))
		})
	}
}

func TestParseSubjectAndUserFor(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		in      string
		subject rbacv1.Subject
		user    User
		err     string
	}{
		"bare name is a user": {in: "alice", subject: userSubject("alice"),
			user: User{Name: "alice", Groups: []string{"system:authenticated"}}},
		"user:": {in: "user:alice", subject: userSubject("alice"),
			user: User{Name: "alice", Groups: []string{"system:authenticated"}}},
		"group:": {in: "group:devs", subject: groupSubject("devs"), user: User{Groups: []string{"devs"}}},
		"serviceaccount:ns:name": {in: "serviceaccount:team-a:deployer", subject: saSubject("team-a", "deployer"),
			user: User{Name: "system:serviceaccount:team-a:deployer",
				Groups: []string{"system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"}}},
		"system:serviceaccount:ns:name": {in: "system:serviceaccount:team-a:deployer", subject: saSubject("team-a", "deployer"),
			user: User{Name: "system:serviceaccount:team-a:deployer",
				Groups: []string{"system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"}}},
		"anonymous is unauthenticated": {in: "system:anonymous", subject: userSubject("system:anonymous"),
			user: User{Name: "system:anonymous", Groups: []string{"system:unauthenticated"}}},
		"other system: users are users": {in: "system:kube-scheduler", subject: userSubject("system:kube-scheduler"),
			user: User{Name: "system:kube-scheduler", Groups: []string{"system:authenticated"}}},
		"empty":                        {in: " ", err: "empty subject"},
		"service account without name": {in: "serviceaccount:ns", err: "want serviceaccount:NAMESPACE:NAME"},
		"bad SA user name":             {in: "system:serviceaccount:ns", err: "system:serviceaccount:ns"},
		"unknown kind":                 {in: "robot:r2", err: `unknown kind "robot"`},
		"empty group":                  {in: "group:", err: "empty group name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			s, err := ParseSubject(tc.in)
			if tc.err != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tc.err)))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(s).To(Equal(tc.subject))
			g.Expect(UserFor(s)).To(Equal(tc.user))
		})
	}
	g := NewWithT(t)
	g.Expect(UserFor(userSubject("alice"), "devs", "system:authenticated")).To(Equal(User{Name: "alice", Groups: []string{"system:authenticated", "devs"}}))
}
