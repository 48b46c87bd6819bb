package space

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func TestSpaceCommand_TenantCreatesListsAndDeletes(t *testing.T) {
	g := NewWithT(t)
	f := newTwoTenants(t)
	admin, alice, bob, account, bobs, name, bobSpace := f.admin, f.alice, f.bob, f.account, f.bobs, f.name, f.bobSpace

	out, err := execute(t, "create", name, "--account", account, "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(Equal("space/" + name + " created for account " + account + "; access is granted once its templates are ready (landfall spaces)\n"))
	_, err = execute(t, "create", bobSpace, "--account", bobs, "--kubeconfig", bob)
	g.Expect(err).NotTo(HaveOccurred())
	waitSpaceReady(t, name)

	// The list shows the spaces the account's role names, which the
	// account reconciler updates apart from the space's readiness.
	var lines []string
	g.Eventually(func(g Gomega) {
		out, err = execute(t, "list", "--kubeconfig", alice)
		g.Expect(err).NotTo(HaveOccurred(), out)
		lines = strings.Split(strings.TrimSpace(out), "\n")
		g.Expect(lines).To(HaveLen(2), out)
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Expect(strings.Fields(lines[0])).To(Equal([]string{"NAME", "ACCOUNT", "READY", "STATUS"}))
	g.Expect(strings.Fields(lines[1])[:3]).To(Equal([]string{name, account, "True"}))

	out, err = execute(t, "list", "-o", "json", "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	var jsonList landfallv1alpha1.SpaceList
	g.Expect(json.Unmarshal([]byte(out), &jsonList)).To(Succeed(), out)
	g.Expect(jsonList.Kind).To(Equal("SpaceList"))
	fromJSON := jsonList.Items
	g.Expect(fromJSON).To(HaveLen(1))
	g.Expect(fromJSON[0].Name).To(Equal(name))
	g.Expect(fromJSON[0].Spec.Account).To(Equal(account))

	out, err = execute(t, "ls", "-o", "yaml", "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	var yamlList landfallv1alpha1.SpaceList
	g.Expect(yaml.Unmarshal([]byte(out), &yamlList)).To(Succeed(), out)
	fromYAML := yamlList.Items
	g.Expect(fromYAML).To(HaveLen(1))
	g.Expect(fromYAML[0].Name).To(Equal(name))
	g.Expect(fromYAML[0].Status.AccessGranted).To(BeTrue())

	out, err = execute(t, "delete", name, "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(Equal("space/" + name + " deleted (its namespace is being deleted)\n"))
	g.Eventually(func() bool {
		return apierrors.IsNotFound(admin.Get(t.Context(), client.ObjectKey{Name: name}, &landfallv1alpha1.Space{}))
	}).WithTimeout(60 * time.Second).Should(BeTrue())
	out, err = execute(t, "list", "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(ContainSubstring("No spaces"))
}

func TestSpaceCommand_Errors(t *testing.T) {
	startManager(t)
	alice := kubeconfig(t, "alice")
	// alice belongs to an account, so RBAC lets her create Spaces and the
	// webhook decides for which accounts.
	newAccount(t, "team-a")
	bobs := newAccount(t, "team-b")
	tests := map[string]struct {
		args     []string
		want     []string
		wantCode int
	}{
		"create without an account, by someone of no account, is a usage error": {
			args: []string{"create", "x", "--kubeconfig", kubeconfig(t, "platform-admin")}, want: []string{"--account is required"}, wantCode: cliutil.ExitUsage,
		},
		"create without a name is a usage error": {
			args: []string{"create", "--account", "a", "--kubeconfig", alice}, want: []string{"accepts 1 arg(s)", "See 'space create --help'."}, wantCode: cliutil.ExitUsage,
		},
		"create for another account's is denied, saying why": {
			args: []string{"create", "x-" + rand.String(5), "--account", bobs, "--kubeconfig", alice},
			want: []string{"creating space x-", "user alice is not a subject of account " + bobs}, wantCode: cliutil.ExitFailure,
		},
		"create for a missing account is denied": {
			args: []string{"create", "y-" + rand.String(5), "--account", "no-such-account", "--kubeconfig", alice},
			want: []string{"account no-such-account does not exist"}, wantCode: cliutil.ExitFailure,
		},
		"delete of a space that is not hers is forbidden": {
			args: []string{"delete", "someone-elses", "--kubeconfig", alice},
			want: []string{"deleting space someone-elses:", "forbidden"}, wantCode: cliutil.ExitFailure,
		},
		"an unknown output format is a usage error": {
			args: []string{"list", "-o", "xml", "--kubeconfig", alice}, want: []string{"xml"}, wantCode: cliutil.ExitUsage,
		},
		"a missing kubeconfig says so": {
			args: []string{"list", "--kubeconfig", "/nonexistent/kubeconfig"}, want: []string{"/nonexistent/kubeconfig"}, wantCode: cliutil.ExitFailure,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			out, err := execute(t, tc.args...)
			g.Expect(err).To(HaveOccurred(), out)
			g.Expect(cliutil.ExitCode(err)).To(Equal(tc.wantCode), "%v", err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}
