package detect_test

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/landfall-dev/landfall/internal/detect"
)

// policyDoc is the decoded shape of a generated policy.
type policyDoc struct {
	Kind       string   `json:"kind"`
	OmitStages []string `json:"omitStages"`
	Rules      []struct {
		Level           string                  `json:"level"`
		Users           []string                `json:"users"`
		Verbs           []string                `json:"verbs"`
		Resources       []detect.GroupResources `json:"resources"`
		NonResourceURLs []string                `json:"nonResourceURLs"`
	} `json:"rules"`
}

func parsePolicy(t *testing.T, data []byte) policyDoc {
	t.Helper()
	var p policyDoc
	if err := yaml.Unmarshal(data, &p); err != nil {
		t.Fatalf("policy is not YAML: %v\n%s", err, data)
	}
	return p
}

func TestPolicy_MergesNeedsByLevelHighestFirst(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	a := execRule
	a.ID, a.Needs = "a", []detect.Need{{Level: detect.LevelRequest, Verbs: []string{"create"}, Resources: []detect.GroupResources{{Group: "apps", Resources: []string{"deployments"}}}}}
	b := execRule
	b.ID, b.Needs = "b", []detect.Need{
		{Level: detect.LevelRequest, Verbs: []string{"create"}, Resources: []detect.GroupResources{{Group: "apps", Resources: []string{"daemonsets", "deployments"}}}},
		{Level: detect.LevelRequestResponse, Verbs: []string{"create"}, Resources: []detect.GroupResources{{Group: "rbac.authorization.k8s.io"}}},
	}
	p := parsePolicy(t, detect.Policy([]detect.Rule{execRule, a, b}))
	g.Expect(p.Kind).To(Equal("Policy"))
	g.Expect(p.OmitStages).To(Equal([]string{"RequestReceived"}))
	levels := []string{}
	for _, r := range p.Rules {
		levels = append(levels, r.Level)
	}
	// Health probes, the secrets guard, then highest level first.
	g.Expect(levels).To(Equal([]string{"None", "Metadata", "RequestResponse", "Request", "Metadata"}))
	g.Expect(p.Rules[1].Resources[0].Resources).To(ContainElement("secrets"))
	g.Expect(p.Rules[3].Resources).To(Equal([]detect.GroupResources{{Group: "apps", Resources: []string{"daemonsets", "deployments"}}}))
	g.Expect(p.Rules[4].Resources).To(Equal([]detect.GroupResources{{Group: "", Resources: []string{"pods/exec"}}}))
}

func TestPolicy_ANeedForEverythingCoversNarrowerNeedsOfItsLevel(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	all := execRule
	all.ID, all.Needs = "all", []detect.Need{{Level: detect.LevelMetadata}}
	p := parsePolicy(t, detect.Policy([]detect.Rule{execRule, deleteRule, all}))
	g.Expect(p.Rules).To(HaveLen(3))
	last := p.Rules[2]
	g.Expect(last.Level).To(Equal("Metadata"))
	g.Expect(last.Resources).To(BeEmpty())
	g.Expect(last.Verbs).To(BeEmpty())
}

func TestWebhookConfig_IsAKubeconfigForTheReceiver(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ca := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	data, err := detect.WebhookConfig("https://detect.example.com:8443/audit", ca)
	g.Expect(err).NotTo(HaveOccurred())
	cfg, err := clientcmd.Load(data)
	g.Expect(err).NotTo(HaveOccurred())
	cluster := cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster]
	g.Expect(cluster.Server).To(Equal("https://detect.example.com:8443/audit"))
	g.Expect(cluster.CertificateAuthorityData).To(Equal(ca))
	_, err = detect.WebhookConfig("http://detect.example.com/audit", nil)
	g.Expect(err).To(MatchError(ContainSubstring("must start with https://")))
	g.Expect(strings.Contains(string(data), "token")).To(BeFalse())
}
