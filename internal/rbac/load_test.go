package rbac

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestLoad_PaginatesAndIncludesDefaults(t *testing.T) {
	g := NewWithT(t)
	cs := env.Admin(t)
	ns := env.Namespace(t)
	var objs []runtime.Object
	for i := range 40 {
		objs = append(objs, rb(ns, fmt.Sprintf("view-%02d", i), "ClusterRole", "view", userSubject(fmt.Sprintf("viewer-%02d", i))))
	}
	createAll(t, cs, objs)
	// The aggregated roles of a new control plane may not be written yet.
	waitForAggregation(t, cs)

	snap, err := Load(t.Context(), cs, LoadOptions{PageSize: 7, Concurrency: 2})
	g.Expect(err).NotTo(HaveOccurred())
	who := snap.WhoCan(Attributes{Verb: "list", Resource: "pods", Namespace: ns})
	var viewers int
	for _, gr := range who {
		if gr.Binding.Namespace == ns {
			viewers++
			g.Expect(gr.Role).To(Equal(Ref{"ClusterRole", "", "view"}))
		}
	}
	g.Expect(viewers).To(Equal(40))
	// The API server's defaults are part of the snapshot.
	g.Expect(who).To(ContainElement(And(
		HaveField("Subject", groupSubject("system:masters")),
		HaveField("Binding", Ref{"ClusterRoleBinding", "", "cluster-admin"}),
		HaveField("Default", true),
	)))
	ok, _ := snap.Allowed(UserFor(userSubject("anyone")), Attributes{Verb: "get", Path: "/version"})
	g.Expect(ok).To(BeTrue(), "system:public-info-viewer")
	g.Expect(snap.AggregationDrift()).To(BeEmpty())
}

func TestLoad_ForbiddenAndPartial(t *testing.T) {
	g := NewWithT(t)
	// alice may not list RBAC: a clear error.
	_, err := Load(t.Context(), env.User(t, "alice"), LoadOptions{})
	g.Expect(err).To(MatchError(And(ContainSubstring("listing"), ContainSubstring("forbidden"), ContainSubstring(`"alice"`))))

	// bob may list RBAC but not workloads: RBAC answers, workloads are
	// reported as not read.
	admin := env.Admin(t)
	name := "rbac-reader-" + randomHex()
	createAll(t, admin, []runtime.Object{
		clusterRole(name, rule("list", "rbac.authorization.k8s.io", "roles,clusterroles,rolebindings,clusterrolebindings")),
		crb(name, name, userSubject("bob")),
	})
	var snap *Snapshot
	g.Eventually(func() error {
		snap, err = Load(t.Context(), env.User(t, "bob"), LoadOptions{Workloads: true})
		return err
	}).WithTimeout(30 * time.Second).Should(Succeed())
	notRead := map[string]string{}
	for _, k := range snap.NotRead() {
		notRead[k.Kind] = k.Reason
	}
	for _, kind := range []string{"Pod", "Service", "ServiceAccount", "Deployment", "Ingress", "CronJob"} {
		g.Expect(notRead).To(HaveKeyWithValue(kind, "forbidden"))
	}
	ok, _ := snap.Allowed(UserFor(userSubject("bob")), Attributes{Verb: "list", APIGroup: rbacGroup, Resource: "roles"})
	g.Expect(ok).To(BeTrue())
}

// A cluster-admin service account mounted into the pods of a public
// Service: the path is found on the live objects, from the Service to the
// Deployment that owns the pods (through their ReplicaSet).
func TestLoad_AttackPathOnLiveCluster(t *testing.T) {
	g := NewWithT(t)
	cs := env.Admin(t)
	ns := env.Namespace(t)
	ctx := t.Context()
	_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "web"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	binding := "web-admin-" + ns
	createAll(t, cs, []runtime.Object{crb(binding, "cluster-admin", saSubject(ns, "web"))})
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{ServiceAccountName: "web", Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}},
			},
		},
	}
	_, err = cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	s := svc(ns, "web", corev1.ServiceTypeLoadBalancer, "app", "web")
	s.Spec.Ports = []corev1.ServicePort{{Port: 80}}
	_, err = cs.CoreV1().Services(ns).Create(ctx, s, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	// The deployment controller creates a ReplicaSet, which creates pods.
	g.Eventually(func(g Gomega) {
		pods, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(pods.Items).NotTo(BeEmpty())
	}).WithTimeout(30 * time.Second).Should(Succeed())

	snap, err := Load(ctx, cs, LoadOptions{Workloads: true})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(snap.NotRead()).To(BeEmpty())
	var mine []AttackPath
	for _, p := range snap.AttackPaths() {
		if p.Workload.Namespace == ns {
			mine = append(mine, p)
		}
	}
	g.Expect(mine).To(HaveLen(1))
	g.Expect(mine[0].String()).To(Equal(fmt.Sprintf("Service/%[1]s/web (type LoadBalancer) -> Deployment/%[1]s/web (selected by Service web) -> "+
		"ServiceAccount/%[1]s/web (token mounted) -> ClusterRoleBinding/%[2]s (binds ServiceAccount %[1]s/web) -> "+
		"ClusterRole/cluster-admin (rule * *.*) -> every verb on every resource (cluster-wide)", ns, binding)))

	// The service account is also a risky subject, with full control.
	var checks []string
	for _, r := range snap.Risks(RiskOptions{}) {
		if r.Subject == (rbacv1.Subject{Kind: "ServiceAccount", Namespace: ns, Name: "web"}) {
			checks = append(checks, r.Check)
		}
	}
	g.Expect(checks).To(Equal([]string{"rbac-subject-cluster-admin"}))
}
