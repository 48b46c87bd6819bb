package rbac

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/landfall-dev/landfall/internal/posture"
)

func deployment(ns, name, sa string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
			Spec:       corev1.PodSpec{ServiceAccountName: sa},
		}},
	}
}

func replicaSet(ns, name, owner, sa string) *appsv1.ReplicaSet {
	t := true
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, OwnerReferences: []metav1.OwnerReference{
			{APIVersion: "apps/v1", Kind: "Deployment", Name: owner, Controller: &t}}},
		Spec: appsv1.ReplicaSetSpec{Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": owner}},
			Spec:       corev1.PodSpec{ServiceAccountName: sa},
		}},
	}
}

func ingressTo(ns, name, service string) *networkingv1.Ingress {
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/", Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: service}},
			}}},
		}}}},
	}
}

func pathFixture() []runtime.Object {
	f := false
	return []runtime.Object{
		clusterRole("cluster-admin", rule("*", "*", "*")),
		clusterRole("secret-reader", rule("list", "", "secrets")),
		clusterRole("pod-creator", rule("create", "", "pods")),

		// A cluster-admin service account behind a LoadBalancer, through a
		// Deployment's ReplicaSet's Pod: one path, at the Deployment.
		svc("shop", "web", corev1.ServiceTypeLoadBalancer, "app", "web"),
		deployment("shop", "web", "web-sa"),
		replicaSet("shop", "web-5d8f", "web", "web-sa"),
		pod("shop", "web-5d8f-x", withLabels("app", "web"), withServiceAccount("web-sa"), withOwner("ReplicaSet", "web-5d8f")),
		crb("web-admin", "cluster-admin", saSubject("shop", "web-sa")),

		// A ClusterIP Service behind an Ingress; the account reads secrets
		// in its namespace.
		svc("shop", "api", corev1.ServiceTypeClusterIP, "app", "api"),
		ingressTo("shop", "public", "api"),
		pod("shop", "api", withServiceAccount("api-sa")),
		rb("shop", "api-secrets", "ClusterRole", "secret-reader", saSubject("", "api-sa")),

		// A NodePort in front of a pod whose rights come through the
		// namespace's service-account group.
		svc("jobs", "runner", corev1.ServiceTypeNodePort, "app", "runner"),
		pod("jobs", "runner", withServiceAccount("runner")),
		rb("jobs", "all-sas-create-pods", "ClusterRole", "pod-creator", groupSubject("system:serviceaccounts:jobs")),

		// Not paths: ClusterIP only, token not mounted (pod or account),
		// an exposed pod without rights, a Service without selector.
		svc("internal", "db", corev1.ServiceTypeClusterIP, "app", "db"),
		pod("internal", "db", withServiceAccount("admin")),
		crb("internal-admin", "cluster-admin", saSubject("internal", "admin")),
		svc("safe", "a", corev1.ServiceTypeLoadBalancer, "app", "a"),
		pod("safe", "a", withServiceAccount("admin"), withAutomount(false)),
		svc("safe", "b", corev1.ServiceTypeLoadBalancer, "app", "b"),
		pod("safe", "b", withServiceAccount("no-token")),
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "safe", Name: "no-token"}, AutomountServiceAccountToken: &f},
		crb("safe-admin", "cluster-admin", saSubject("safe", "admin"), saSubject("safe", "no-token")),
		svc("safe", "c", corev1.ServiceTypeNodePort, "app", "c"),
		pod("safe", "c"),
		svc("safe", "manual", corev1.ServiceTypeLoadBalancer),
	}
}

func TestAttackPaths(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	snap, err := New(Options{}, pathFixture()...)
	g.Expect(err).NotTo(HaveOccurred())
	paths := snap.AttackPaths()
	var got []string
	for _, p := range paths {
		got = append(got, p.Severity.String()+" "+string(p.Capability)+" "+p.Scope+": "+p.String())
	}
	g.Expect(got).To(Equal([]string{
		"critical cluster-admin cluster-wide: Service/shop/web (type LoadBalancer) -> Deployment/shop/web (selected by Service web) -> " +
			"ServiceAccount/shop/web-sa (token mounted) -> ClusterRoleBinding/web-admin (binds ServiceAccount shop/web-sa) -> " +
			"ClusterRole/cluster-admin (rule * *.*) -> every verb on every resource (cluster-wide)",
		"high create-pods namespace jobs: Service/jobs/runner (type NodePort) -> Pod/jobs/runner (selected by Service runner) -> " +
			"ServiceAccount/jobs/runner (token mounted) -> RoleBinding/jobs/all-sas-create-pods (binds Group system:serviceaccounts:jobs) -> " +
			"ClusterRole/pod-creator (rule create pods) -> create pods (namespace jobs)",
		"high read-secrets namespace shop: Ingress/shop/public (routes to Service api) -> Service/shop/api (type ClusterIP) -> " +
			"Pod/shop/api (selected by Service api) -> ServiceAccount/shop/api-sa (token mounted) -> " +
			"RoleBinding/shop/api-secrets (binds ServiceAccount shop/api-sa) -> ClusterRole/secret-reader (rule list secrets) -> list secrets (namespace shop)",
	}))

	admin := paths[0]
	g.Expect(admin.Workload).To(Equal(Ref{"Deployment", "shop", "web"}))
	g.Expect(admin.Techniques).To(Equal([]string{"MS-TA9004", "MS-TA9009", "MS-TA9016", "MS-TA9019"}))
	g.Expect(admin.Hops[0].Tactic).To(Equal("initial-access"))
	g.Expect(admin.Hops[len(admin.Hops)-1].Tactic).To(Equal("privilege-escalation"))

	fs := Findings(nil, paths, posture.Source{Cluster: "dev"})
	g.Expect(fs).To(HaveLen(3))
	ids := map[string]bool{}
	for _, f := range fs {
		g.Expect(f.CheckID).To(Equal(AttackPathCheckID))
		g.Expect(f.Source.Cluster).To(Equal("dev"))
		ids[f.ID] = true
	}
	g.Expect(ids).To(HaveLen(3))
	web := fs[slicesIndex(fs, "web")]
	g.Expect(web.Object).To(Equal(posture.ObjectRef{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "web"}))
	g.Expect(web.Severity).To(Equal(posture.SeverityCritical))
	g.Expect(web.Message).To(HavePrefix("attack path to cluster-admin (cluster-wide): Service/shop/web (type LoadBalancer) -> "))
}

func slicesIndex(fs []posture.Finding, name string) int {
	for i, f := range fs {
		if f.Object.Name == name {
			return i
		}
	}
	return -1
}

// The same objects as unstructured (as a live scan or manifests give
// them) make the same paths.
func TestAttackPaths_FromUnstructured(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	typed, err := New(Options{}, pathFixture()...)
	g.Expect(err).NotTo(HaveOccurred())
	var objs []*posture.Object
	for _, o := range pathFixture() {
		objs = append(objs, &posture.Object{U: toUnstructured(t, o)})
	}
	fromPosture, err := FromPostureObjects(Options{}, objs)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(fromPosture.AttackPaths()).To(Equal(typed.AttackPaths()))
	g.Expect(fromPosture.Risks(RiskOptions{})).To(Equal(typed.Risks(RiskOptions{})))
}
