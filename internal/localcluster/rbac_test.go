package localcluster_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCluster_RBACDecides(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t)
	admin := env.Admin(t)
	alice := env.User(t, "alice")

	_, err := alice.CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice without rights must get 403, got %v", err)

	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "secret-reader", Namespace: ns},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}}},
	}
	_, err = admin.RbacV1().Roles(ns).Create(t.Context(), role, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "alice-reads-secrets", Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "alice"}},
	}
	_, err = admin.RbacV1().RoleBindings(ns).Create(t.Context(), rb, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	g.Eventually(func() error {
		_, err := alice.CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{})
		return err
	}, 10*time.Second, 100*time.Millisecond).Should(Succeed())

	// The binding is to alice alone: bob, in another group, is still refused.
	_, err = env.User(t, "bob").CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "bob must still get 403, got %v", err)

	// The platform admin is bound to cluster-admin at start.
	_, err = env.User(t, "platform-admin").CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
}
