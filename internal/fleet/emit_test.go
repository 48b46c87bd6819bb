package fleet

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

func files(fs []File) map[string]string {
	out := map[string]string{}
	for _, f := range fs {
		out[f.Path] = string(f.Data)
	}
	return out
}

func TestEmit_PerEnvironment(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "typical")
	plan := mustPlan(t, p)
	fs, err := Emit(p, plan, TopologyPerEnvironment)
	g.Expect(err).NotTo(HaveOccurred())
	got := files(fs)
	g.Expect(got).To(HaveKey("README.md"))
	for _, env := range []string{"dev", "staging", "prod"} {
		g.Expect(got).To(HaveKey("fleet/clusters/" + env + ".yaml"))
		g.Expect(got).To(HaveKey("fleet/environments/" + env + ".yaml"))
		g.Expect(got).To(HaveKey("environments/" + env + "/kustomization.yaml"))
	}

	var c landfallv1alpha1.Cluster
	g.Expect(yaml.UnmarshalStrict([]byte(got["fleet/clusters/prod.yaml"]), &c)).To(Succeed())
	g.Expect(c.Kind).To(Equal("Cluster"))
	g.Expect(c.APIVersion).To(Equal("landfall.dev/v1alpha1"))
	g.Expect(c.Spec.Environments).To(Equal([]string{"prod"}))
	g.Expect(c.Spec.Zones).To(HaveLen(3))
	g.Expect(c.Spec.KubeConfig.Name).To(Equal("prod-kubeconfig"))
	g.Expect(c.Labels).To(HaveKeyWithValue(landfallv1alpha1.LabelEnvironment, "prod"))
	g.Expect(got["fleet/clusters/prod.yaml"]).NotTo(ContainSubstring("status"))
	g.Expect(got["fleet/clusters/prod.yaml"]).NotTo(ContainSubstring("creationTimestamp"))

	var env map[string]any
	g.Expect(yaml.Unmarshal([]byte(got["fleet/environments/prod.yaml"]), &env)).To(Succeed())
	g.Expect(env).To(HaveKeyWithValue("kind", "Environment"))
	g.Expect(env["spec"]).To(HaveKeyWithValue("target", HaveKeyWithValue("cluster", "prod")))
	g.Expect(env["spec"]).To(HaveKeyWithValue("source", HaveKeyWithValue("path", "environments/prod")))
	g.Expect(env["spec"]).To(HaveKeyWithValue("source", HaveKeyWithValue("url", "https://git.example.com/acme/fleet.git")))
	g.Expect(env["spec"]).To(HaveKeyWithValue("selfHeal", true))
	g.Expect(got["README.md"]).To(ContainSubstring("| prod | `environments/prod` | prod |"))
}

func TestEmit_PerApplicationSplitsEnvironmentsByCluster(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	p := loadExample(t, "regulated-payments")
	plan := mustPlan(t, p)
	fs, err := Emit(p, plan, TopologyPerApplication)
	g.Expect(err).NotTo(HaveOccurred())
	got := files(fs)
	g.Expect(got).To(HaveKey("fleet/clusters/card-vault.yaml"))
	g.Expect(got).To(HaveKey("fleet/environments/prod-card-vault.yaml"))
	g.Expect(got).To(HaveKey("environments/prod/card-vault/kustomization.yaml"))
	g.Expect(got["environments/prod/card-vault/kustomization.yaml"]).To(ContainSubstring("# - card-vault/"))
	var envs int
	for path := range got {
		if strings.HasPrefix(path, "fleet/environments/") {
			envs++
		}
	}
	g.Expect(envs).To(Equal(len(p.Applications) * len(p.Environments)))
}

func TestEmit_UnknownTopology(t *testing.T) {
	t.Parallel()
	p := loadExample(t, "startup")
	_, err := Emit(p, mustPlan(t, p), "mesh")
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring(`unknown topology "mesh"`)))
}
