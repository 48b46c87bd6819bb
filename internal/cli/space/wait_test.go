package space

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestSpaceCommand_Wait: with --wait, create returns once the space is
// ready and delete once its namespace is gone, so a script can go on
// with the next step; a stalled space fails at once, and one waiting for
// a missing template times out saying what it waits for.
func TestSpaceCommand_Wait(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	admin := adminClient(t)
	alice := kubeconfig(t, "alice")
	account := newAccount(t, "team-a")
	name, broken := "w-"+rand.String(5), "w-"+rand.String(5)
	t.Cleanup(func() {
		for _, s := range []string{name, broken} {
			_ = admin.Delete(context.Background(), &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: s}})
		}
	})

	out, err := execute(t, "create", name, "--account", account, "--wait", "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(MatchRegexp(`space/` + name + ` ready: .+\n$`))
	var s landfallv1alpha1.Space
	g.Expect(admin.Get(t.Context(), client.ObjectKey{Name: name}, &s)).To(Succeed())
	g.Expect(s.Status.AccessGranted).To(BeTrue(), "ready means alice is bound")

	// A missing template may yet be created: the space waits for it, and
	// --wait says what it waits for until its timeout.
	out, err = execute(t, "create", broken, "--account", account, "--template", "no-such-template", "--wait", "--timeout", "10s", "--kubeconfig", alice)
	g.Expect(err).To(MatchError(ContainSubstring("waiting for space " + broken + " to be ready: not ready after 10s")))
	g.Expect(out).To(ContainSubstring("no-such-template"))
	g.Expect(admin.Delete(t.Context(), &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: broken}})).To(Succeed())

	// Past the account's space limit (a platform admin may create it; the
	// manager then holds it back), the space is stalled: --wait fails at
	// once with the manager's reason.
	patch := client.RawPatch(types.MergePatchType, []byte(`{"spec":{"space":{"limit":1}}}`))
	acc := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: account}}
	g.Expect(admin.Patch(t.Context(), acc, patch)).To(Succeed())
	// The manager has seen the limit.
	g.Eventually(func(g Gomega) {
		g.Expect(admin.Get(t.Context(), client.ObjectKey{Name: account}, acc)).To(Succeed())
		g.Expect(acc.Status.ObservedGeneration).To(Equal(acc.Generation))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	over := "w-" + rand.String(5)
	t.Cleanup(func() {
		_ = admin.Delete(context.Background(), &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: over}})
	})
	out, err = execute(t, "create", over, "--account", account, "--wait", "--kubeconfig", kubeconfig(t, "platform-admin"))
	g.Expect(err).To(MatchError(ContainSubstring("space "+over+" is stalled ("+landfallv1alpha1.SpaceLimitExceededReason+")")), out)

	_, err = execute(t, "delete", name, "--wait", "--timeout", "0s", "--kubeconfig", alice)
	g.Expect(err).To(MatchError(ContainSubstring("--timeout 0s: want a positive duration")))
	out, err = execute(t, "delete", name, "--wait", "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(HaveSuffix("space/" + name + " and its namespace are gone\n"))
	g.Expect(apierrors.IsNotFound(admin.Get(t.Context(), client.ObjectKey{Name: name}, &corev1.Namespace{}))).To(BeTrue(), "the namespace is gone too")
}

// TestSpaceCommand_DeletingSpaceSaysSo: while its namespace is going away
// (here held by a finalizer), the Space is no longer Ready but Deleting,
// delete --wait waits for it, and it is gone once the namespace is.
func TestSpaceCommand_DeletingSpaceSaysSo(t *testing.T) {
	g := NewWithT(t)
	f := newTwoTenants(t)
	out, err := execute(t, "create", f.name, "--account", f.account, "--wait", "--kubeconfig", f.alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	release := env.HoldNamespace(t, f.name)

	_, err = execute(t, "delete", f.name, "--wait", "--timeout", "2s", "--kubeconfig", f.alice)
	g.Expect(err).To(MatchError(ContainSubstring("still there after 2s")))
	var s landfallv1alpha1.Space
	g.Eventually(func(g Gomega) {
		g.Expect(f.admin.Get(t.Context(), client.ObjectKey{Name: f.name}, &s)).To(Succeed())
		g.Expect(meta.FindStatusCondition(s.Status.Conditions, landfallv1alpha1.ReadyCondition)).To(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", landfallv1alpha1.DeletingReason)))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	out, err = execute(t, "list", "--kubeconfig", f.alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(MatchRegexp(f.name + `\s+` + f.account + `\s+Terminating\s+its namespace and everything in it are being deleted\n`))

	release()
	out, err = execute(t, "delete", f.name, "--wait", "--kubeconfig", f.alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(HaveSuffix("space/" + f.name + " and its namespace are gone\n"))
}
