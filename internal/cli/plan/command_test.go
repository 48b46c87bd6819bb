package plan

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	fakeclient "sigs.k8s.io/controller-runtime/pkg/client/fake"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/fleet"
)

var typical = filepath.Join("..", "..", "..", "examples", "plan", "typical.yaml")

// execute runs landfall plan with args and returns stdout and the error.
func execute(t *testing.T, d deps, stdin string, args ...string) (string, error) {
	t.Helper()
	if d.color == nil {
		d.color = func(io.Writer) bool { return false }
	}
	cmd := newCommand(d)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true // as under root
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

// The issue's table, verbatim.
const issueTable = `| topology | cost | management | elasticity | security |
|---|---|---|---|---|
| one shared cluster | green | green | red | red |
| per-environment multi-zone clusters | yellow | yellow | brown | brown |
| per-application multi-zone clusters | brown | brown | yellow | yellow |
| small dedicated clusters | red | red | green | green |
`

func TestPlan_MarkdownReproducesTheIssueTable(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	out, err := execute(t, deps{}, "", typical, "-o", "markdown")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring(issueTable))
	g.Expect(out).To(ContainSubstring("**Recommendation: per-environment multi-zone clusters**"))
	g.Expect(out).To(ContainSubstring("| 1 | per-environment multi-zone clusters | 3 |"))
	g.Expect(out).To(ContainSubstring("| one shared cluster | security | red |"))
}

func TestPlan_TableIsPlainWordsWithoutATerminal(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	out, err := execute(t, deps{}, "", typical)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).NotTo(ContainSubstring("\x1b["))
	lines := strings.Split(out, "\n")
	g.Expect(lines[0]).To(HavePrefix("Profile typical: security need 1.06"))
	g.Expect(lines[2]).To(MatchRegexp(`^TOPOLOGY\s+CLUSTERS\s+COST\s+MANAGEMENT\s+ELASTICITY\s+SECURITY\s+FIT$`))
	g.Expect(strings.Fields(lines[3])).To(Equal([]string{"one", "shared", "cluster", "1", "green", "green", "red", "red", "42.0"}))
	g.Expect(strings.Fields(lines[4])).To(Equal([]string{"per-environment", "multi-zone", "clusters", "3", "yellow", "yellow", "brown", "brown", "49.4"}))
	g.Expect(strings.Fields(lines[6])).To(HaveExactElements("small", "dedicated", "clusters", "60", "red", "red", "green", "green", HavePrefix("25.")))
	g.Expect(out).To(ContainSubstring("Recommendation: per-environment multi-zone clusters\n"))
	g.Expect(out).To(MatchRegexp(`cost\s+green\s+83.9\s+peak headroom`))
}

func TestPlan_TableIsColouredOnATerminal(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	out, err := execute(t, deps{color: func(io.Writer) bool { return true }}, "", typical)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("\x1b[32mgreen     \x1b[0m"))
	g.Expect(out).To(ContainSubstring("\x1b[31mred"))
	g.Expect(out).To(ContainSubstring("\x1b[38;5;130mbrown"))
}

func TestPlan_JSON(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	raw, err := os.ReadFile(typical)
	g.Expect(err).NotTo(HaveOccurred())
	out, err := execute(t, deps{}, string(raw), "-", "-o", "json")
	g.Expect(err).NotTo(HaveOccurred())
	var got fleet.Plan
	g.Expect(json.Unmarshal([]byte(out), &got)).To(Succeed())
	g.Expect(got.Recommendation).To(Equal(fleet.TopologyPerEnvironment))
	g.Expect(got.Topologies).To(HaveLen(4))
	g.Expect(got.Topologies[0].Scores[0].Factors).NotTo(BeEmpty())
}

func TestPlan_Example(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	out, err := execute(t, deps{}, "", "--example")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(Equal(string(fleet.ExampleProfile())))
	g.Expect(out).To(ContainSubstring("# A landfall plan profile"))
}

func TestPlan_UsageErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"no profile":      {args: nil, want: "a PROFILE is required"},
		"missing file":    {args: []string{"nope.yaml"}, want: "opening profile"},
		"unknown field":   {stdin: "name: x\nteamz: []\n", args: []string{"-"}, want: "field teamz not found"},
		"bad topology":    {args: []string{typical, "--topology", "mesh"}, want: `unknown topology "mesh"`},
		"bad output":      {args: []string{typical, "-o", "xml"}, want: `unknown output format "xml"`},
		"invalid profile": {stdin: "name: x\n", args: []string{"-"}, want: "environments: at least one environment is required"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			_, err := execute(t, deps{}, tt.stdin, tt.args...)
			g.Expect(err).To(MatchError(ContainSubstring(tt.want)))
			g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage))
		})
	}
}

func TestPlan_Emit(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	dir := t.TempDir()
	out, err := execute(t, deps{}, "", typical, "--emit", dir)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(Equal("wrote 10 files for per-environment multi-zone clusters (3 clusters) to " + dir + "\n"))
	for _, f := range []string{"README.md", "fleet/clusters/prod.yaml", "fleet/environments/dev.yaml", "environments/staging/kustomization.yaml"} {
		g.Expect(filepath.Join(dir, f)).To(BeAnExistingFile())
	}

	_, err = execute(t, deps{}, "", typical, "--emit", dir)
	g.Expect(err).To(MatchError(ContainSubstring("exists (use --force to overwrite)")))
	_, err = execute(t, deps{}, "", typical, "--emit", dir, "--force", "--topology", "shared")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(filepath.Join(dir, "fleet/clusters/shared.yaml")).To(BeAnExistingFile())
}

// fleetOf returns deps whose registry holds the clusters.
func fleetOf(clusters ...*landfallv1alpha1.Cluster) deps {
	s := runtime.NewScheme()
	_ = landfallv1alpha1.AddToScheme(s)
	objs := make([]client.Object, len(clusters))
	for i, c := range clusters {
		objs[i] = c
	}
	c := fakeclient.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
	return deps{registry: func(string, string) (client.Reader, error) { return c, nil }}
}

func readyCluster(name string, envs []string, zones ...string) *landfallv1alpha1.Cluster {
	c := &landfallv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
	c.Spec.Environments = envs
	c.Status.Zones = zones
	c.Status.Conditions = []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "ClusterReachable"}}
	return c
}

func TestPlan_Check(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	good := fleetOf(
		readyCluster("dev", []string{"dev"}, "a", "b", "c"),
		readyCluster("staging", []string{"staging"}, "a", "b", "c"),
		readyCluster("prod", []string{"prod"}, "a", "b", "c"),
	)
	out, err := execute(t, good, "", typical, "--check")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(Equal("The fleet (3 clusters) follows the plan: per-environment multi-zone clusters.\n"))

	bad := fleetOf(readyCluster("all", []string{"dev", "staging", "prod"}, "a"))
	out, err = execute(t, bad, "", typical, "--check")
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitFailure))
	g.Expect(out).To(HavePrefix("The fleet (1 clusters) deviates from the plan (per-environment multi-zone clusters) in 3 way(s):\n"))
	g.Expect(out).To(ContainSubstring("  - [production-shared] production (prod) shares cluster all with dev, staging"))
	g.Expect(out).To(ContainSubstring("  - [single-zone-production] production cluster all spans 1 zone(s)"))

	out, err = execute(t, bad, "", typical, "--check", "-o", "json")
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitFailure))
	var got struct{ Deviations []fleet.Deviation }
	g.Expect(json.Unmarshal([]byte(out), &got)).To(Succeed())
	g.Expect(got.Deviations).To(HaveLen(3))
}
