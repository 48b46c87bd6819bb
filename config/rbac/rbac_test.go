package rbac_test

import (
	"slices"
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/landfall-dev/landfall/config/rbac"
)

// TestManagerRole_IsLeastPrivilege checks the generated manager role: no
// wildcard, no escalate, impersonate of ServiceAccounts only, bind only by
// name, and a binding to the manager's ServiceAccount.
func TestManagerRole_IsLeastPrivilege(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	objs, err := rbac.Objects()
	g.Expect(err).NotTo(HaveOccurred())
	var role *rbacv1.ClusterRole
	var binding *rbacv1.ClusterRoleBinding
	for _, u := range objs {
		switch {
		case u.GetKind() == "ClusterRole" && u.GetName() == rbac.ClusterRole:
			role = &rbacv1.ClusterRole{}
			g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, role)).To(Succeed())
		case u.GetKind() == "ClusterRoleBinding" && u.GetName() == rbac.ClusterRole:
			binding = &rbacv1.ClusterRoleBinding{}
			g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, binding)).To(Succeed())
		}
	}
	g.Expect(role).NotTo(BeNil(), "role.yaml: run hack/generate.sh")
	g.Expect(role.Rules).NotTo(BeEmpty())
	for _, r := range role.Rules {
		g.Expect(r.Verbs).NotTo(ContainElement("*"), "rule %+v", r)
		g.Expect(r.Verbs).NotTo(ContainElement("escalate"), "rule %+v", r)
		if slices.Contains(r.Verbs, "impersonate") {
			// Environments apply as their ServiceAccount: only
			// ServiceAccounts, never users, groups or user extras.
			g.Expect(r.APIGroups).To(Equal([]string{""}), "rule %+v", r)
			g.Expect(r.Resources).To(Equal([]string{"serviceaccounts"}), "impersonate only serviceaccounts: %+v", r)
		}
		if slices.Contains(r.Resources, "secrets") {
			// No cache of every credential in the cluster, and no
			// secrets-listed-all-namespaces alert from landfall detect
			// on Landfall's own manager.
			g.Expect(r.Verbs).NotTo(ContainElement("watch"), "rule %+v", r)
		}
		g.Expect(r.Resources).NotTo(ContainElement("*"), "rule %+v", r)
		g.Expect(r.APIGroups).NotTo(ContainElement("*"), "rule %+v", r)
		if len(r.Verbs) > 0 && r.Verbs[0] == "bind" {
			g.Expect(r.ResourceNames).NotTo(BeEmpty(), "bind without resourceNames binds any role")
			g.Expect(r.ResourceNames).NotTo(ContainElement("cluster-admin"))
		}
	}
	g.Expect(binding).NotTo(BeNil())
	g.Expect(binding.RoleRef.Name).To(Equal(rbac.ClusterRole))
	g.Expect(binding.Subjects).To(ConsistOf(rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: rbac.ServiceAccount, Namespace: rbac.Namespace}))
}
