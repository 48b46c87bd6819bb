package webhook_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/tenancy"
	"github.com/landfall-dev/landfall/internal/testenv"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	if os.Getenv("LANDFALL_TEST_LOG") != "" {
		log.SetLogger(funcr.New(func(prefix, args string) { fmt.Fprintln(os.Stderr, prefix, args) }, funcr.Options{Verbosity: 1}))
	} else {
		log.SetLogger(logr.Discard())
	}
	os.Exit(testenv.Run(m, testenv.Options{}, &env))
}

// The manager (reconcilers and webhook server) runs in-process, once per
// package, started by the first test that needs it. It runs as its own
// ServiceAccount bound to config/rbac/role.yaml, so every test here also
// exercises the manager's least privilege. Tests run one at a time, so
// one of them may stop and restart it.
var (
	startOnce sync.Once
	startErr  error
	harness   *webhooktest.Manager
)

func scheme() *runtime.Scheme { return webhooktest.Scheme() }

// startManager installs the CRDs, the RBAC, the baseline template and the
// webhook configurations, and runs the tenancy manager against the test
// cluster; it returns the shared manager.
func startManager(t *testing.T) *webhooktest.Manager {
	t.Helper()
	cfg, certDir := env.AdminConfig(t), env.Dir(t, "webhook-certs")
	startOnce.Do(func() {
		harness, startErr = webhooktest.New(context.Background(), webhooktest.Options{Admin: cfg, CertDir: certDir})
		if startErr == nil {
			startErr = harness.Start()
		}
	})
	if startErr != nil {
		t.Fatalf("starting tenancy manager: %v", startErr)
	}
	if !harness.Running() {
		// A test that stopped the manager failed before restarting it.
		if err := harness.Start(); err != nil {
			t.Fatalf("restarting tenancy manager: %v", err)
		}
	}
	return harness
}

// adminClient returns a controller-runtime client as cluster admin.
func adminClient(t *testing.T) client.Client {
	t.Helper()
	return userClientFor(t, env.AdminConfig(t))
}

// userClient returns a controller-runtime client acting as a test user.
func userClient(t *testing.T, name string) client.Client {
	t.Helper()
	return userClientFor(t, env.UserConfig(t, name))
}

func userClientFor(t *testing.T, cfg *rest.Config) client.Client {
	t.Helper()
	c, err := client.New(cfg, client.Options{Scheme: scheme()})
	if err != nil {
		t.Fatalf("building client: %v", err)
	}
	return c
}

// name returns a random name with a prefix.
func name(prefix string) string { return prefix + "-" + rand.String(5) }

// newAccount creates an Account whose subjects are the given group, with
// the baseline template mandatory unless templates are given, and deletes
// it at the end of the test.
func newAccount(t *testing.T, group string, mods ...func(*landfallv1alpha1.Account)) *landfallv1alpha1.Account {
	t.Helper()
	a := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: name("acc")}}
	a.Spec.Subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: group}}
	a.Spec.Space.Templates = []landfallv1alpha1.TemplateReference{{Name: tenancy.BaselineTemplateName}}
	for _, m := range mods {
		m(a)
	}
	c := adminClient(t)
	if err := c.Create(context.Background(), a); err != nil {
		t.Fatalf("creating account: %v", err)
	}
	t.Cleanup(func() { _ = c.Delete(context.Background(), a) })
	waitAccountRBAC(t, a.Name)
	return a
}

// waitAccountRBAC waits until the account's ClusterRoleBinding exists, so
// its subjects may create Spaces.
func waitAccountRBAC(t *testing.T, account string) {
	t.Helper()
	c := adminClient(t)
	NewWithT(t).Eventually(func() error {
		return c.Get(context.Background(), client.ObjectKey{Name: controller.AccountRoleName(account)}, &rbacv1.ClusterRoleBinding{})
	}, 30*time.Second, 100*time.Millisecond).Should(Succeed())
}

// newSpace creates a Space as the given client.
func newSpace(t *testing.T, c client.Client, account, prefix string) (*landfallv1alpha1.Space, error) {
	t.Helper()
	s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: name(prefix)}, Spec: landfallv1alpha1.SpaceSpec{Account: account}}
	err := c.Create(context.Background(), s)
	if err == nil {
		admin := adminClient(t)
		t.Cleanup(func() { _ = admin.Delete(context.Background(), s) })
	}
	return s, err
}

// waitSpaceReady waits until the Space is Ready and returns it.
func waitSpaceReady(t *testing.T, name string) *landfallv1alpha1.Space {
	t.Helper()
	c := adminClient(t)
	s := &landfallv1alpha1.Space{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(c.Get(context.Background(), client.ObjectKey{Name: name}, s)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(s.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue(), "space %s conditions %+v", name, s.Status.Conditions)
	}, 60*time.Second, 200*time.Millisecond).Should(Succeed())
	return s
}

// restrictedPod is a pod that Pod Security "restricted" admits.
func restrictedPod(namespace, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](1000),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name: "app", Image: "registry.example/app:1",
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false),
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
			}},
		},
	}
}

// expectSpaceSetUp asserts the whole set-up of a Ready space: its
// namespace labelled for the account, every baseline object, each
// TemplateInstance applied, the account's RoleBinding and no finalizer
// left pending.
func expectSpaceSetUp(g Gomega, c client.Client, space, account string) {
	ctx := context.Background()
	s := &landfallv1alpha1.Space{}
	g.Expect(c.Get(ctx, client.ObjectKey{Name: space}, s)).To(Succeed())
	g.Expect(meta.IsStatusConditionTrue(s.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue(), "space %s conditions %+v", space, s.Status.Conditions)
	g.Expect(s.Status.AccessGranted).To(BeTrue())
	g.Expect(s.Finalizers).To(ContainElement(tenancy.SpaceFinalizer))
	ns := &corev1.Namespace{}
	g.Expect(c.Get(ctx, client.ObjectKey{Name: space}, ns)).To(Succeed())
	g.Expect(ns.Labels).To(HaveKeyWithValue(tenancy.LabelAccount, account))
	g.Expect(ns.Labels).To(HaveKeyWithValue(tenancy.LabelSpace, space))
	g.Expect(ns.Labels).To(HaveKeyWithValue("pod-security.kubernetes.io/enforce", "restricted"))
	for _, obj := range []client.Object{
		&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: tenancy.BaselineResourceQuota}},
		&corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: tenancy.BaselineLimitRange}},
		&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: tenancy.BaselineDenyIngress}},
		&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: tenancy.BaselineAllowSameAccount}},
		&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: tenancy.BaselineAllowDNSEgress}},
	} {
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: space, Name: obj.GetName()}, obj)).To(Succeed(), "%T %s in %s", obj, obj.GetName(), space)
	}
	var instances landfallv1alpha1.TemplateInstanceList
	g.Expect(c.List(ctx, &instances, client.InNamespace(space))).To(Succeed())
	g.Expect(instances.Items).NotTo(BeEmpty())
	for _, ti := range instances.Items {
		g.Expect(meta.IsStatusConditionTrue(ti.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue(), "template instance %s/%s", space, ti.Name)
	}
	rb := &rbacv1.RoleBinding{}
	g.Expect(c.Get(ctx, client.ObjectKey{Namespace: space, Name: controller.SpaceRoleBindingName}, rb)).To(Succeed())
	g.Expect(rb.RoleRef.Name).To(Equal(landfallv1alpha1.DefaultSpaceClusterRole))
}

// expectAccountGone asserts that an account, its spaces, their namespaces
// and template instances are all gone: no orphan namespace, nothing left
// behind by a finalizer.
func expectAccountGone(g Gomega, c client.Client, account string, spaces []string) {
	ctx := context.Background()
	g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Name: account}, &landfallv1alpha1.Account{}))).To(BeTrue(), "account %s still exists", account)
	for _, s := range spaces {
		g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Name: s}, &landfallv1alpha1.Space{}))).To(BeTrue(), "space %s still exists", s)
		g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Name: s}, &corev1.Namespace{}))).To(BeTrue(), "namespace %s still exists", s)
		var instances landfallv1alpha1.TemplateInstanceList
		g.Expect(c.List(ctx, &instances, client.InNamespace(s))).To(Succeed())
		g.Expect(instances.Items).To(BeEmpty(), "template instances left in %s", s)
	}
	var namespaces corev1.NamespaceList
	g.Expect(c.List(ctx, &namespaces, client.MatchingLabels{tenancy.LabelAccount: account})).To(Succeed())
	g.Expect(namespaces.Items).To(BeEmpty(), "orphan namespaces of account %s", account)
	var left landfallv1alpha1.SpaceList
	g.Expect(c.List(ctx, &left, client.MatchingLabels{tenancy.LabelAccount: account})).To(Succeed())
	g.Expect(left.Items).To(BeEmpty(), "spaces of account %s", account)
}
