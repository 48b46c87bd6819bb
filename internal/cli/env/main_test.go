package env

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
	"github.com/landfall-dev/landfall/internal/testenv"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

// The commands run against a real API server as the test users, with the
// delivery reconcilers in-process.
var env *testenv.Env

func TestMain(m *testing.M) {
	log.SetLogger(logr.Discard())
	os.Exit(testenv.Run(m, testenv.Options{}, &env))
}

var (
	tenants = &webhooktest.Tenants{Env: &env}
	manager = &webhooktest.Delivery{Env: &env}
)

// execute runs `landfall env` with args and returns what it printed
// (stdout, then stderr).
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	r := clitest.Run(t, Command(), args...)
	return r.Out + r.ErrOut, r.Err
}

// bind binds a ClusterRole to a user or ServiceAccount in ns.
func bind(t *testing.T, ns, role string, subject rbacv1.Subject) {
	t.Helper()
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, GenerateName: role + "-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{subject},
	}
	if err := tenants.AdminClient(t).Create(context.Background(), rb); err != nil {
		t.Fatalf("binding %s: %v", role, err)
	}
}

// user is an RBAC subject for a test user.
func user(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

// serviceAccount creates a ServiceAccount and returns it as a subject.
func serviceAccount(t *testing.T, ns, name string) rbacv1.Subject {
	t.Helper()
	err := tenants.AdminClient(t).Create(context.Background(), &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}})
	if client.IgnoreAlreadyExists(err) != nil {
		t.Fatal(err)
	}
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
}

// waitApplied waits until the environment is Ready at revision.
func waitApplied(t *testing.T, ns, name, revision string) *landfallv1alpha1.Environment {
	t.Helper()
	e := &landfallv1alpha1.Environment{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(tenants.AdminClient(t).Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, e)).To(Succeed())
		g.Expect(e.Status.LastAppliedRevision).To(Equal(revision))
		g.Expect(meta.IsStatusConditionTrue(e.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	return e
}
