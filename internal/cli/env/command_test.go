package env

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
	"github.com/landfall-dev/landfall/internal/delivery"
	dt "github.com/landfall-dev/landfall/internal/deliverytest"
)

// fixture is a platform namespace with one environment "dev" syncing the
// dev path of a repository into the dev namespace as the ServiceAccount
// deployer, every hour (so only `sync` applies later commits), and alice
// allowed to read and annotate environments there and edit the dev
// namespace.
type fixture struct {
	platform, dev string
	repo          *dt.Repo
	first         string
	alice         string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	manager.Start(t)
	ctx := context.Background()
	admin := tenants.AdminClient(t)
	f := &fixture{platform: env.Namespace(t), dev: env.Namespace(t), alice: tenants.Kubeconfig(t, "alice")}
	bind(t, f.dev, "admin", serviceAccount(t, f.platform, "deployer"))
	bind(t, f.dev, "edit", user("alice"))
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.platform, Name: "environments"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{landfallv1alpha1.Group}, Resources: []string{"environments"}, Verbs: []string{"get", "list", "patch"}}},
	}
	if err := admin.Create(ctx, role); err != nil {
		t.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.platform, Name: "environments-alice"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "environments"},
		Subjects:   []rbacv1.Subject{user("alice")},
	}
	if err := admin.Create(ctx, rb); err != nil {
		t.Fatal(err)
	}
	f.repo = dt.NewRepo(t, map[string]string{
		"dev/cm.yaml":  dt.Join(dt.ConfigMap("settings", f.dev, "level", "1"), dt.ConfigMap("old", f.dev, "a", "b")),
		"prod/cm.yaml": dt.ConfigMap("settings", "prod", "level", "0"),
	})
	f.first = f.repo.Head(t)
	e := &landfallv1alpha1.Environment{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.platform, Name: "dev"},
		Spec: landfallv1alpha1.EnvironmentSpec{
			Source:             landfallv1alpha1.GitSource{URL: f.repo.Bare, Path: "dev"},
			ServiceAccountName: "deployer",
			Interval:           &metav1.Duration{Duration: time.Hour},
		},
	}
	if err := admin.Create(ctx, e); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Delete(context.Background(), e) })
	waitApplied(t, f.platform, "dev", f.first)
	return f
}

// as returns the flags that run a command as alice in the platform
// namespace.
func (f *fixture) as(args ...string) []string {
	return append(args, "-n", f.platform, "--kubeconfig", f.alice)
}

func configMap(t *testing.T, ns, name string) *corev1.ConfigMap {
	t.Helper()
	cm := &corev1.ConfigMap{}
	if err := tenants.AdminClient(t).Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, cm); err != nil {
		return nil
	}
	return cm
}

// TestEnvCommand_DiffSyncHistoryRollback walks a user through a change:
// list and status show the environment; diff shows object by object what
// a sync of a new commit would change and changes nothing; sync --wait
// applies it; history shows both revisions; rollback --wait returns to the
// first; diff then shows what the head would change again.
func TestEnvCommand_DiffSyncHistoryRollback(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	out, err := execute(t, f.as("list")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	g.Expect(strings.Fields(lines[0])).To(Equal([]string{"NAME", "REVISION", "READY", "STATUS"}))
	g.Expect(strings.Fields(lines[1])[:3]).To(Equal([]string{"dev", f.first[:12], "True"}))

	// The shell completes ENV with the environments of -n.
	g.Expect(clitest.Complete(t, Command(), "status", "-n", f.platform, "--kubeconfig", f.alice, "d")[0]).To(Equal("dev"))

	out, err = execute(t, f.as("status", "dev")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(ContainSubstring("Environment " + f.platform + "/dev\n"))
	g.Expect(out).To(ContainSubstring("Source:      " + f.repo.Bare + " main path dev\n"))
	g.Expect(out).To(ContainSubstring("Target:      this cluster, as serviceaccount " + f.platform + "/deployer\n"))
	g.Expect(out).To(ContainSubstring("Ready:       True (SyncSucceeded) applied revision " + f.first[:12] + " (2 objects)"))
	g.Expect(out).To(ContainSubstring("Inventory:   2 object(s)"))
	g.Expect(out).To(MatchRegexp(`Gate:        passed revision ` + f.first[:12] + ` \(blocks at high\): \d+ finding\(s\), 0 excepted`))

	second := f.repo.Commit(t, "level 2, new, no old", map[string]string{
		"dev/cm.yaml": dt.Join(dt.ConfigMap("settings", f.dev, "level", "2"), dt.ConfigMap("new", f.dev, "c", "d")),
	})
	out, err = execute(t, f.as("diff", "dev")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(ContainSubstring("~ ConfigMap/" + f.dev + "/settings (update)\n"))
	g.Expect(out).To(MatchRegexp(`(?m)^    -\s+level: "1"$`))
	g.Expect(out).To(MatchRegexp(`(?m)^    \+\s+level: "2"$`))
	g.Expect(out).To(ContainSubstring("+ ConfigMap/" + f.dev + "/new (create)\n"))
	g.Expect(out).To(ContainSubstring("- ConfigMap/" + f.dev + "/old (prune)\n"))
	g.Expect(out).To(HaveSuffix("Revision " + second[:12] + " against dev: 1 to create, 1 to update, 1 to prune, 0 unchanged.\n"))
	// Nothing was applied.
	g.Expect(configMap(t, f.dev, "settings").Data).To(HaveKeyWithValue("level", "1"))
	g.Expect(configMap(t, f.dev, "new")).To(BeNil())
	g.Expect(configMap(t, f.dev, "old")).NotTo(BeNil())

	out, err = execute(t, f.as("diff", "dev", "--exit-code", "-o", "json")...)
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitFailure), "--exit-code with changes: %v", err)
	var res struct {
		Revision string            `json:"revision"`
		Changes  []delivery.Change `json:"changes"`
	}
	g.Expect(json.Unmarshal([]byte(out), &res)).To(Succeed(), out)
	g.Expect(res.Revision).To(Equal(second))
	g.Expect(res.Changes).To(HaveLen(3))

	out, err = execute(t, f.as("sync", "dev", "--wait")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(Equal("environment " + f.platform + "/dev: sync requested\n" +
		"environment " + f.platform + "/dev is ready: applied revision " + second[:12] + " (2 objects)\n"))
	g.Expect(configMap(t, f.dev, "settings").Data).To(HaveKeyWithValue("level", "2"))
	g.Expect(configMap(t, f.dev, "old")).To(BeNil())

	out, err = execute(t, f.as("diff", "dev", "--exit-code")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(Equal("Revision " + second[:12] + " against dev: 0 to create, 0 to update, 0 to prune, 2 unchanged.\n"))

	out, err = execute(t, f.as("history", "dev")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	lines = strings.Split(strings.TrimSpace(out), "\n")
	g.Expect(lines).To(HaveLen(3), out)
	g.Expect(strings.Fields(lines[0])).To(Equal([]string{"TIME", "REVISION", "RESULT", "MESSAGE"}))
	g.Expect(lines[1]).To(MatchRegexp(`^\S+ \S+\s+` + second[:12] + ` \*\s+Succeeded\s+2 object\(s\): 1 created, 1 updated, 0 unchanged, 1 pruned$`))
	g.Expect(lines[2]).To(MatchRegexp(`^\S+ \S+\s+` + f.first[:12] + `\s+Succeeded\s+2 object\(s\): 2 created`))

	// Back to the previous good revision, chosen from the history.
	out, err = execute(t, f.as("rollback", "dev", "--wait")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(Equal("environment " + f.platform + "/dev: rollback to " + f.first[:12] + " requested (from " + second[:12] + ")\n" +
		"environment " + f.platform + "/dev is ready: applied revision " + f.first[:12] + " (2 objects), rolled back from " + second[:12] + " until the next commit\n"))
	g.Expect(configMap(t, f.dev, "settings").Data).To(HaveKeyWithValue("level", "1"))
	g.Expect(configMap(t, f.dev, "old")).NotTo(BeNil())
	g.Expect(configMap(t, f.dev, "new")).To(BeNil())

	out, err = execute(t, f.as("history", "dev", "-o", "yaml")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	var history []landfallv1alpha1.SyncRecord
	g.Expect(yaml.Unmarshal([]byte(out), &history)).To(Succeed(), out)
	g.Expect(history[0].Result).To(Equal(landfallv1alpha1.SyncRolledBack))
	g.Expect(history[0].Revision).To(Equal(f.first))

	out, err = execute(t, f.as("status", "dev")...)
	g.Expect(err).NotTo(HaveOccurred(), out)
	g.Expect(out).To(ContainSubstring("Rollback:    held at " + f.first[:12] + " until a new commit (source at " + second[:12] + ")\n"))

	// A rollback to a given revision prefix that is not in the history.
	out, err = execute(t, f.as("rollback", "dev", "--to", "deadbeef")...)
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), out)
	g.Expect(err.Error()).To(ContainSubstring(`revision "deadbeef" is not in the history of environment dev`))
}

// TestEnvCommand_Errors: what a user sees when something is wrong.
func TestEnvCommand_Errors(t *testing.T) {
	f := newFixture(t)
	bob := tenants.Kubeconfig(t, "bob")
	tests := map[string]struct {
		args     []string
		want     []string
		wantCode int
	}{
		"an unknown environment": {
			args: f.as("status", "nope"), want: []string{"reading environment " + f.platform + "/nope", "not found"}, wantCode: cliutil.ExitFailure,
		},
		"someone without access to environments": {
			args: []string{"sync", "dev", "-n", f.platform, "--kubeconfig", bob}, want: []string{"forbidden"}, wantCode: cliutil.ExitFailure,
		},
		"a rollback with no earlier revision": {
			args: f.as("rollback", "dev"), want: []string{"no earlier successful revision in the history: give --to REVISION"}, wantCode: cliutil.ExitUsage,
		},
		"a diff of a revision that is not in the history": {
			args: f.as("diff", "dev", "--revision", "0123abcd"), want: []string{`revision "0123abcd" is not in the history`}, wantCode: cliutil.ExitUsage,
		},
		"an unknown output format": {
			args: f.as("list", "-o", "xml"), want: []string{"xml"}, wantCode: cliutil.ExitUsage,
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
