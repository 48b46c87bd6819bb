package spaces

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/tenancy"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

func TestSpacesCommand_ShowsOnlyMySpaces(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	admin := adminClient(t)
	account, bobs := newAccount(t, "team-a"), newAccount(t, "team-b")
	mine := []string{"a1-" + rand.String(5), "a2-" + rand.String(5)}
	theirs := "b1-" + rand.String(5)
	for _, s := range []struct{ user, name, account string }{
		{"alice", mine[0], account}, {"alice", mine[1], account}, {"bob", theirs, bobs},
	} {
		space := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: s.name}, Spec: landfallv1alpha1.SpaceSpec{Account: s.account}}
		g.Expect(userClient(t, s.user).Create(t.Context(), space)).To(Succeed())
		t.Cleanup(func() { _ = admin.Delete(context.Background(), space) })
	}
	for _, s := range append(slicesClone(mine), theirs) {
		waitReady(t, s)
	}
	alice, bob := kubeconfig(t, "alice"), kubeconfig(t, "bob")

	// The per-account role is updated after each space is recorded: wait
	// until it names both of alice's.
	g.Eventually(func(g Gomega) {
		out, err := execute(t, "-o", "json", "--kubeconfig", alice)
		g.Expect(err).NotTo(HaveOccurred(), out)
		var list landfallv1alpha1.SpaceList
		g.Expect(json.Unmarshal([]byte(out), &list)).To(Succeed(), out)
		g.Expect(list.Kind).To(Equal("SpaceList"))
		var names []string
		for _, s := range list.Items {
			names = append(names, s.Name)
			g.Expect(s.Spec.Account).To(Equal(account))
		}
		g.Expect(names).To(ConsistOf(mine))
	}).WithTimeout(20 * time.Second).Should(Succeed())

	out, err := execute(t, "--kubeconfig", alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	g.Expect(lines).To(HaveLen(3), out)
	g.Expect(strings.Fields(lines[0])).To(Equal([]string{"NAME", "ACCOUNT", "READY", "STATUS"}))
	for i, l := range lines[1:] {
		g.Expect(strings.Fields(l)[:3]).To(Equal([]string{mine[i], account, "True"}), out)
	}
	g.Expect(out).NotTo(ContainSubstring(theirs))

	// An admin sees what alice sees by impersonating her, as with kubectl
	// --as; someone without the impersonate permission cannot.
	asAlice, err := execute(t, "--kubeconfig", kubeconfig(t, "platform-admin"), "--as", "alice", "--as-group", "team-a")
	g.Expect(err).NotTo(HaveOccurred(), asAlice)
	g.Expect(asAlice).To(Equal(out))
	_, err = execute(t, "--kubeconfig", bob, "--as", "alice", "--as-group", "team-a")
	g.Expect(err).To(MatchError(ContainSubstring("cannot impersonate")))

	// An admin sees every space; -l keeps one account's.
	out, err = execute(t, "-o", "json", "-l", tenancy.LabelAccount+"="+bobs, "--kubeconfig", kubeconfig(t, "platform-admin"))
	g.Expect(err).NotTo(HaveOccurred(), out)
	var selected landfallv1alpha1.SpaceList
	g.Expect(json.Unmarshal([]byte(out), &selected)).To(Succeed(), out)
	g.Expect(selected.Items).To(HaveLen(1))
	g.Expect(selected.Items[0].Name).To(Equal(theirs))

	out, err = execute(t, "-o", "yaml", "--kubeconfig", bob)
	g.Expect(err).NotTo(HaveOccurred(), out)
	var bobsList landfallv1alpha1.SpaceList
	g.Expect(yaml.Unmarshal([]byte(out), &bobsList)).To(Succeed(), out)
	g.Expect(bobsList.APIVersion).To(Equal(landfallv1alpha1.GroupVersion.String()))
	bobsView := bobsList.Items
	g.Expect(bobsView).To(HaveLen(1))
	g.Expect(bobsView[0].Name).To(Equal(theirs))
	g.Expect(bobsView[0].Kind).To(Equal(landfallv1alpha1.SpaceKind))
	g.Expect(bobsView[0].Spec.Account).To(Equal(bobs))
}

func TestSpacesCommand_NoSpacesAndErrors(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	// carol belongs to no account: no spaces, and no error.
	out, err := execute(t, "--kubeconfig", kubeconfig(t, "carol"))
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(Equal("No spaces (create one with `landfall space create NAME --account ACCOUNT`).\n"))
	out, err = execute(t, "-o", "json", "--kubeconfig", kubeconfig(t, "carol"))
	g.Expect(err).NotTo(HaveOccurred(), out)
	// An empty list, with items [] (not null), as kubectl prints one.
	g.Expect(out).To(MatchJSON(`{"kind": "SpaceList", "apiVersion": "landfall.dev/v1alpha1", "metadata": {}, "items": []}`))

	_, err = execute(t, "-o", "xml", "--kubeconfig", kubeconfig(t, "bob"))
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring("xml"))
	_, err = execute(t, "extra", "--kubeconfig", kubeconfig(t, "bob"))
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring(`unknown command "extra" for "spaces"`))
	_, err = execute(t, "-l", "tier in (web", "--kubeconfig", kubeconfig(t, "bob"))
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring(`--selector "tier in (web"`))
	_, err = execute(t, "--as-group", "team-a", "--kubeconfig", kubeconfig(t, "bob"))
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring("--as-group needs --as"))
	_, err = execute(t, "--kubeconfig", "/nonexistent/kubeconfig")
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitFailure), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring("/nonexistent/kubeconfig"))
}

func userClient(t *testing.T, user string) client.Client {
	t.Helper()
	c, err := client.New(env.UserConfig(t, user), client.Options{Scheme: webhooktest.Scheme()})
	if err != nil {
		t.Fatalf("creating client: %v", err)
	}
	return c
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
