package space

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
)

// complete returns the candidates of a shell completion request.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	return clitest.Complete(t, Command(), args...)
}

// TestSpaceCommand_DefaultAccountAndCompletion: a tenant of one account
// need not name it, and the shell completes only what is theirs: their
// spaces and accounts, found through the RBAC Landfall grants them (they
// may not list either).
func TestSpaceCommand_DefaultAccountAndCompletion(t *testing.T) {
	g := NewWithT(t)
	f := newTwoTenants(t)
	alice, bob, account, bobs, name, bobSpace := f.alice, f.bob, f.account, f.bobs, f.name, f.bobSpace

	// Until the API server's RBAC grants alice her new account, she has
	// none to default to.
	g.Eventually(func() (string, error) {
		return execute(t, "create", name, "--kubeconfig", alice)
	}).WithTimeout(30 * time.Second).Should(ContainSubstring("space/" + name + " created for account " + account))
	_, err := execute(t, "create", bobSpace, "--account", bobs, "--kubeconfig", bob)
	g.Expect(err).NotTo(HaveOccurred())

	// Completion names what RBAC grants, which lags an account's deletion.
	g.Eventually(func() []string { return complete(t, "create", "x", "--kubeconfig", alice, "--account", "") }).
		WithTimeout(30 * time.Second).Should(Equal([]string{account}))
	g.Eventually(func() []string { return complete(t, "delete", "--kubeconfig", alice, "") }).
		WithTimeout(30 * time.Second).Should(Equal([]string{name}))
	g.Expect(complete(t, "delete", "--kubeconfig", alice, name, "")).To(BeEmpty(), "one name only")
	g.Expect(complete(t, "create", "x", "--kubeconfig", alice, "--template", "base")).To(ContainElement("baseline"))
	// An admin may list: every space, filtered by what was typed.
	g.Expect(complete(t, "delete", "--kubeconfig", kubeconfig(t, "platform-admin"), bobSpace[:len(bobSpace)-1])).To(Equal([]string{bobSpace}))

	// In two accounts, alice must say which; the error names both.
	second := newAccount(t, "team-a")
	g.Eventually(func() error {
		_, err := execute(t, "create", "y-"+rand.String(5), "--kubeconfig", alice)
		return err
	}).WithTimeout(30 * time.Second).Should(MatchError(And(ContainSubstring("--account is required: you belong to 2 accounts"),
		ContainSubstring(account), ContainSubstring(second))))
	_, err = execute(t, "create", "y-"+rand.String(5), "--kubeconfig", alice)
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage))
}
