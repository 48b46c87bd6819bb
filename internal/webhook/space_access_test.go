package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

func mySpaces(t *testing.T, user string) ([]string, error) {
	t.Helper()
	return mine(t, user, tenancy.MySpaces)
}

func myAccounts(t *testing.T, user string) ([]string, error) {
	t.Helper()
	return mine(t, user, tenancy.MyAccounts)
}

// mine returns the names of what list returns to user. It returns the
// error, so Eventually retries one.
func mine[T any, PT interface {
	*T
	GetName() string
}](t *testing.T, user string, list func(context.Context, kubernetes.Interface, dynamic.Interface) ([]T, error)) ([]string, error) {
	t.Helper()
	cfg := env.UserConfig(t, user)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	items, err := list(t.Context(), cs, dyn)
	if err != nil {
		return nil, err
	}
	var names []string
	for i := range items {
		names = append(names, PT(&items[i]).GetName())
	}
	return names, nil
}

func TestSpace_TenantCreatesAndDeploys(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	account := newAccount(t, "team-a")
	// bob has an account of his own, so RBAC lets him create Spaces and
	// only the webhook stands between him and alice's account.
	bobs := newAccount(t, "team-b")
	alice, bob := userClient(t, "alice"), userClient(t, "bob")

	space, err := newSpace(t, alice, account.Name, "web")
	g.Expect(err).NotTo(HaveOccurred(), "alice is a subject of the account")
	space = waitSpaceReady(t, space.Name)
	g.Expect(space.Status.AccessGranted).To(BeTrue())
	g.Expect(space.Annotations).To(HaveKeyWithValue("landfall.dev/created-by", "alice"))

	ns := &corev1.Namespace{}
	g.Expect(adminClient(t).Get(ctx, client.ObjectKey{Name: space.Name}, ns)).To(Succeed())
	g.Expect(ns.Labels).To(HaveKeyWithValue(tenancy.LabelAccount, account.Name))
	g.Expect(ns.Labels).To(HaveKeyWithValue("pod-security.kubernetes.io/enforce", "restricted"))

	By := func(string) {}
	By("alice deploys into her space")
	// RBAC (and the aggregation of the space role) is eventually
	// consistent: allow it a moment after the binding exists.
	g.Eventually(func() error { return alice.Create(ctx, restrictedPod(space.Name, "app")) }).WithTimeout(20 * time.Second).Should(Succeed())
	privileged := restrictedPod(space.Name, "root")
	privileged.Spec.SecurityContext = nil
	err = alice.Create(ctx, privileged)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "pod security restricted rejects a root pod: %v", err)

	By("bob gets 403 in alice's space and cannot create spaces for her account")
	err = bob.List(ctx, &corev1.PodList{}, client.InNamespace(space.Name))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "bob lists pods: %v", err)
	_, err = newSpace(t, bob, account.Name, "intruder")
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "bob creates a space for alice's account: %v", err)
	g.Expect(err.Error()).To(ContainSubstring("not a subject of account"))

	bobSpace, err := newSpace(t, bob, bobs.Name, "bob")
	g.Expect(err).NotTo(HaveOccurred())

	By("landfall spaces shows each user exactly their spaces")
	g.Eventually(func() ([]string, error) { return mySpaces(t, "alice") }).WithTimeout(20 * time.Second).Should(ContainElement(space.Name))
	g.Eventually(func() ([]string, error) { return mySpaces(t, "bob") }).WithTimeout(20 * time.Second).Should(ConsistOf(bobSpace.Name))
	g.Expect(mySpaces(t, "alice")).NotTo(ContainElement(bobSpace.Name))
	err = bob.Get(ctx, client.ObjectKey{Name: space.Name}, &landfallv1alpha1.Space{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "bob reads alice's space: %v", err)
	g.Expect(alice.Get(ctx, client.ObjectKey{Name: account.Name}, &landfallv1alpha1.Account{})).To(Succeed())
	// landfall account list: each their own account, without any right to
	// list accounts.
	// (An account of an earlier test may still be going away.)
	g.Eventually(func() ([]string, error) { return myAccounts(t, "bob") }).WithTimeout(20 * time.Second).Should(ConsistOf(bobs.Name))
	g.Expect(myAccounts(t, "alice")).To(ContainElement(account.Name))
	g.Expect(myAccounts(t, "alice")).NotTo(ContainElement(bobs.Name))

	By("alice deletes her space through the Space; the namespace goes with it")
	g.Expect(alice.Delete(ctx, &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: space.Name}})).To(Succeed())
	g.Eventually(func() bool {
		return apierrors.IsNotFound(adminClient(t).Get(ctx, client.ObjectKey{Name: space.Name}, &corev1.Namespace{}))
	}).WithTimeout(60 * time.Second).Should(BeTrue())
}
