package scan

import (
	"encoding/json"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/landfall-dev/landfall/internal/rbac"
)

// seedTakeoverPath creates the Kubernetes Goat shape: a NodePort Service in
// front of a Deployment whose pods mount the token of a ServiceAccount
// bound to cluster-admin. It returns the namespace.
func seedTakeoverPath(t *testing.T) string {
	t.Helper()
	ctx, admin, ns := t.Context(), env.Admin(t), env.Namespace(t)
	labels := map[string]string{"app": "dashboard"}
	_, err := admin.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "dashboard"}}, metav1.CreateOptions{})
	if err == nil {
		_, err = admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "dashboard-admin-" + ns},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "dashboard", Namespace: ns}},
		}, metav1.CreateOptions{})
	}
	if err == nil {
		t.Cleanup(func() {
			_ = env.Admin(t).RbacV1().ClusterRoleBindings().Delete(t.Context(), "dashboard-admin-"+ns, metav1.DeleteOptions{})
		})
		_, err = admin.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "dashboard"},
			Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec:       corev1.PodSpec{ServiceAccountName: "dashboard", Containers: []corev1.Container{{Name: "ui", Image: "dashboard:v2"}}},
				},
			},
		}, metav1.CreateOptions{})
	}
	if err == nil {
		_, err = admin.CoreV1().Services(ns).Create(ctx, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "dashboard"},
			Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeNodePort, Selector: labels,
				Ports: []corev1.ServicePort{{Port: 443}},
			},
		}, metav1.CreateOptions{})
	}
	if err != nil {
		t.Fatalf("seeding: %v", err)
	}
	return ns
}

func TestScanCluster_ReportsTheAttackPathAndRiskySubjects(t *testing.T) {
	g := NewWithT(t)
	ns := seedTakeoverPath(t)
	kubeconfig := env.Cluster(t).AdminKubeconfig()

	res := runCluster(t, "--kubeconfig", kubeconfig, "-o", "json")
	g.Expect(res.code).NotTo(Equal(2), "error: %v", res.err)
	var r struct {
		Findings []struct {
			Check   string `json:"check"`
			Message string `json:"message"`
			Object  struct{ Kind, Namespace, Name string }
		} `json:"findings"`
	}
	g.Expect(json.Unmarshal([]byte(res.out), &r)).To(Succeed())

	var paths, admins []string
	for _, f := range r.Findings {
		switch {
		case f.Check == rbac.AttackPathCheckID && f.Object.Namespace == ns:
			g.Expect(f.Object.Kind).To(Equal("Service"))
			g.Expect(f.Object.Name).To(Equal("dashboard"))
			paths = append(paths, f.Message)
		case f.Check == "rbac-subject-cluster-admin" && strings.Contains(f.Message, ns+"/dashboard"):
			admins = append(admins, f.Message)
		}
	}
	g.Expect(paths).To(HaveLen(1), "one path from the NodePort Service to cluster takeover")
	// Every hop, in order: entry, workload, identity, binding, role.
	g.Expect(paths[0]).To(MatchRegexp(`(?s)Service.*dashboard.*Deployment.*dashboard.*ServiceAccount.*dashboard.*ClusterRoleBinding.*dashboard-admin-` + ns + `.*cluster-admin`))
	g.Expect(admins).To(HaveLen(1), "the service account has full control")

	// Scoped to a namespace, the scan cannot see every grant: no RBAC
	// findings, and a note says so.
	res = runCluster(t, "--kubeconfig", kubeconfig, "-n", ns)
	g.Expect(res.out).NotTo(ContainSubstring(rbac.AttackPathCheckID))
	g.Expect(res.out).To(ContainSubstring("RBAC analysis (risky permissions per subject, attack paths) not run"))
}
