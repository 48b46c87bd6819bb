package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/landfall-dev/landfall/config/rbac"
)

// TestManager_LeastPrivilege checks that the manager of these tests runs
// as its ServiceAccount bound to the generated ClusterRole, that this role
// is not cluster-admin and cannot be escalated through, and that the main
// flow (space creation with templates and RoleBinding, account deletion)
// works with it.
func TestManager_LeastPrivilege(t *testing.T) {
	g := NewWithT(t)
	mgr := startManager(t)
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(mgr.Config())
	g.Expect(err).NotTo(HaveOccurred())
	asManager := userClientFor(t, mgr.Config())

	review, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(review.Status.UserInfo.Username).To(Equal(rbac.ServiceAccountUser))
	g.Expect(review.Status.UserInfo.Groups).NotTo(ContainElement("system:masters"))
	binding := &rbacv1.ClusterRoleBinding{}
	g.Expect(adminClient(t).Get(ctx, client.ObjectKey{Name: rbac.ClusterRole}, binding)).To(Succeed())
	g.Expect(binding.RoleRef.Name).To(Equal(rbac.ClusterRole))

	can := func(attrs authorizationv1.ResourceAttributes) bool {
		r, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &attrs},
		}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		return r.Status.Allowed
	}
	denied := map[string]authorizationv1.ResourceAttributes{
		"anything (cluster-admin)":          {Verb: "*", Group: "*", Resource: "*"},
		"create pods":                       {Verb: "create", Resource: "pods", Namespace: "default"},
		"watch secrets":                     {Verb: "watch", Resource: "secrets"},
		"escalate cluster roles":            {Verb: "escalate", Group: rbacv1.GroupName, Resource: "clusterroles"},
		"bind cluster-admin":                {Verb: "bind", Group: rbacv1.GroupName, Resource: "clusterroles", Name: "cluster-admin"},
		"impersonate users":                 {Verb: "impersonate", Resource: "users"},
		"update namespaces (only patch)":    {Verb: "update", Resource: "namespaces"},
		"delete cluster role bindings":      {Verb: "delete", Group: rbacv1.GroupName, Resource: "clusterrolebindings"},
		"write webhook configurations":      {Verb: "update", Group: "admissionregistration.k8s.io", Resource: "validatingwebhookconfigurations"},
		"write custom resource definitions": {Verb: "update", Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"},
	}
	for what, attrs := range denied {
		g.Expect(can(attrs)).To(BeFalse(), "the manager may %s", what)
	}
	allowed := map[string]authorizationv1.ResourceAttributes{
		"bind the space role":   {Verb: "bind", Group: rbacv1.GroupName, Resource: "clusterroles", Name: "landfall-space-admin"},
		"create namespaces":     {Verb: "create", Resource: "namespaces"},
		"create role bindings":  {Verb: "create", Group: rbacv1.GroupName, Resource: "rolebindings", Namespace: "default"},
		"patch network polices": {Verb: "patch", Group: "networking.k8s.io", Resource: "networkpolicies", Namespace: "default"},
	}
	for what, attrs := range allowed {
		g.Expect(can(attrs)).To(BeTrue(), "the manager may not %s", what)
	}

	// The API server's escalation checks hold: the manager cannot write a
	// role granting what it lacks, nor bind one it may not bind.
	err = asManager.Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: name("escalation")},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"create"}}},
	})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "the manager creates a role granting pod creation: %v", err)
	err = asManager.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name("escalation")},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice"}},
	})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "the manager binds cluster-admin: %v", err)

	// The main flow, done by this identity.
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	space, err := newSpace(t, alice, account.Name, "lp")
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) { expectSpaceSetUp(g, admin, space.Name, account.Name) }).
		WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	g.Eventually(func() error {
		return alice.Create(ctx, restrictedPod(space.Name, "app"))
	}).WithTimeout(20 * time.Second).Should(Succeed())

	g.Expect(admin.Delete(ctx, account)).To(Succeed())
	g.Eventually(func(g Gomega) { expectAccountGone(g, admin, account.Name, []string{space.Name}) }).
		WithTimeout(90 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}
