package rbacrisks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/kubernetes"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
	"github.com/landfall-dev/landfall/internal/rbac"
)

func bindCluster(t *testing.T, cs kubernetes.Interface, name string, rules []rbacv1.PolicyRule, roleRef string, subjects ...rbacv1.Subject) {
	t.Helper()
	ctx := t.Context()
	if rules != nil {
		roleRef = name
		if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cs.RbacV1().ClusterRoles().Delete(context.Background(), name, metav1.DeleteOptions{}) })
	}
	_, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: roleRef},
		Subjects:   subjects,
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}

// seed makes the Kubernetes Goat shape: a cluster-admin service account
// mounted into the pods of a public (LoadBalancer) Service, and a user who
// may exec into any pod and delete events. It returns the namespace and the user.
func seed(t *testing.T) (string, string) {
	t.Helper()
	g := NewWithT(t)
	cs := env.Admin(t)
	ctx := t.Context()
	ns := env.Namespace(t)
	user := "debugger-" + rand.String(5)
	bindCluster(t, cs, user, []rbacv1.PolicyRule{
		{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}},
		{Verbs: []string{"delete"}, APIGroups: []string{""}, Resources: []string{"events"}},
	}, "", rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user})
	_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "web"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	bindCluster(t, cs, "web-admin-"+ns, nil, "cluster-admin", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: "web"})
	labels := map[string]string{"app": "web"}
	_, err = cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{ServiceAccountName: "web", Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}},
			},
		},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = cs.CoreV1().Services(ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		pods, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(pods.Items).NotTo(BeEmpty())
	}).WithTimeout(30 * time.Second).Should(Succeed())
	return ns, user
}

func TestRBACRisks_RisksAndAttackPath(t *testing.T) {
	g := NewWithT(t)
	ns, user := seed(t)
	admin := env.Cluster(t).AdminKubeconfig()

	r := run(t, "-o", "json", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.Out)
	var res struct {
		Risks []struct {
			Check, Severity string
			Subject         rbacv1.Subject
			Permissions     []string
			Techniques      []string
		}
		AttackPaths []struct {
			Capability, Scope, Severity string
			Workload                    rbac.Ref
			Hops                        []rbac.Hop
		}
		NotAssessed []rbac.KindError
	}
	g.Expect(json.Unmarshal([]byte(r.Out), &res)).To(Succeed())
	g.Expect(res.NotAssessed).To(BeEmpty())

	var userRisks, saRisks []string
	for _, risk := range res.Risks {
		switch risk.Subject.Name {
		case user:
			userRisks = append(userRisks, risk.Check+" "+risk.Severity+" "+strings.Join(risk.Permissions, "; ")+" "+strings.Join(risk.Techniques, ","))
		case "web":
			if risk.Subject.Namespace == ns {
				saRisks = append(saRisks, risk.Check)
			}
		}
		// Control-plane defaults are left out.
		g.Expect(risk.Subject.Name).NotTo(Equal("system:kube-controller-manager"))
	}
	g.Expect(userRisks).To(Equal([]string{
		"rbac-subject-pod-exec high create pods/exec cluster-wide MS-TA9006",
		"rbac-subject-events-delete medium delete events cluster-wide MS-TA9022",
	}))
	g.Expect(saRisks).To(Equal([]string{"rbac-subject-cluster-admin"}), "full control implies the rest")

	var paths []string
	for _, p := range res.AttackPaths {
		if p.Workload.Namespace != ns {
			continue
		}
		var hops []string
		for _, h := range p.Hops {
			hops = append(hops, h.String())
		}
		paths = append(paths, fmt.Sprintf("%s %s %s: %s", p.Severity, p.Capability, p.Scope, strings.Join(hops, " -> ")))
	}
	g.Expect(paths).To(Equal([]string{fmt.Sprintf("critical cluster-admin cluster-wide: Service/%[1]s/web (type LoadBalancer) -> "+
		"Deployment/%[1]s/web (selected by Service web) -> ServiceAccount/%[1]s/web (token mounted) -> "+
		"ClusterRoleBinding/web-admin-%[1]s (binds ServiceAccount %[1]s/web) -> ClusterRole/cluster-admin (rule * *.*) -> "+
		"every verb on every resource (cluster-wide)", ns)}))

	// The table: risks, then each path hop by hop with its tactic.
	r = run(t, "--min-severity", "high", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred(), r.Out)
	g.Expect(r.Out).To(MatchRegexp(`(?m)^SEVERITY +CHECK +SUBJECT +PERMISSIONS +VIA$`))
	g.Expect(r.Out).To(MatchRegexp(`(?m)^high +rbac-subject-pod-exec +User %s +create pods/exec cluster-wide +ClusterRoleBinding/%s -> ClusterRole/%s$`, user, user, user))
	g.Expect(r.Out).To(MatchRegexp(`(?m)^     Service/%s/web \(type LoadBalancer\) +initial-access MS-TA9004$`, ns))
	g.Expect(r.Out).To(MatchRegexp(`(?m)^  -> ServiceAccount/%s/web \(token mounted\) +credential-access MS-TA9016$`, ns))
	g.Expect(r.Out).NotTo(ContainSubstring("rbac-subject-events-delete"), "medium is below --min-severity high")

	// With the defaults, the control plane's own grants appear.
	r = run(t, "-o", "json", "--include-defaults", "--kubeconfig", admin)
	g.Expect(r.Err).NotTo(HaveOccurred())
	g.Expect(r.Out).To(ContainSubstring(`"name": "system:kube-controller-manager"`))
}

func TestRBACRisks_PartialView(t *testing.T) {
	g := NewWithT(t)
	cs := env.Admin(t)
	name := "rbac-reader-" + rand.String(5)
	bindCluster(t, cs, name, []rbacv1.PolicyRule{{Verbs: []string{"list"}, APIGroups: []string{rbacv1.GroupName},
		Resources: []string{"roles", "clusterroles", "rolebindings", "clusterrolebindings"}}}, "",
		rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "bob"})
	bob := env.UserKubeconfig(t, "bob")
	var r clitest.Result
	g.Eventually(func() error {
		r = run(t, "--kubeconfig", bob)
		return r.Err
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Expect(r.Out).To(ContainSubstring("rbac-subject-cluster-admin"))
	g.Expect(r.Out).To(MatchRegexp(`Not assessed: .*Pod \(forbidden\).*; attack paths through them are missing\.`))

	r = run(t, "--kubeconfig", env.UserKubeconfig(t, "alice"))
	g.Expect(r.Code).To(Equal(cliutil.ExitFailure))
	g.Expect(r.Err).To(MatchError(And(ContainSubstring("forbidden"), ContainSubstring("rbac-risks needs list"))))

	r = run(t, "--min-severity", "severe", "--kubeconfig", bob)
	g.Expect(r.Code).To(Equal(cliutil.ExitUsage))
	g.Expect(r.Err).To(MatchError(ContainSubstring(`unknown severity "severe"`)))
	r = run(t, "extra", "--kubeconfig", bob)
	g.Expect(r.Code).To(Equal(cliutil.ExitUsage))
}
