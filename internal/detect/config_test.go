package detect_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/detect"
)

func TestParseConfig_SettingsAndErrorsNameFileAndLine(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	cfg, err := detect.ParseConfig("detect.yaml", []byte(`
serviceAccountCIDRs: [10.244.0.0/16, 192.168.1.7]
proxyCIDRs: [185.220.100.0/22]
burst: {threshold: 20, window: 2m}
`))
	g.Expect(err).NotTo(HaveOccurred())
	s, err := cfg.Settings()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(s.ServiceAccountCIDRs).To(Equal([]netip.Prefix{netip.MustParsePrefix("10.244.0.0/16"), netip.MustParsePrefix("192.168.1.7/32")}))
	g.Expect(s.BurstThreshold).To(Equal(20))
	g.Expect(s.BurstWindow).To(Equal(2 * time.Minute))
	g.Expect(detect.InPrefixes("185.220.101.3", s.ProxyCIDRs)).To(BeTrue())
	g.Expect(detect.InPrefixes("::ffff:185.220.101.3", s.ProxyCIDRs)).To(BeTrue())
	g.Expect(detect.InPrefixes("8.8.8.8", s.ProxyCIDRs)).To(BeFalse())

	// Rule settings with defaults: nil keeps them, a list replaces them.
	g.Expect(s.TrustedRegistries).To(BeEmpty())
	g.Expect(s.CloudIdentityPatterns()).To(Equal(detect.DefaultCloudIdentities))
	g.Expect(s.PullSecretPatterns()).To(Equal(detect.DefaultPullSecretNames))
	cfg, err = detect.ParseConfig("detect.yaml", []byte(`
trustedRegistries: [registry.example.com, docker.io/library]
cloudIdentities: ["arn:aws:iam::123456789012:*"]
pullSecretNames: [harbor-*]
`))
	g.Expect(err).NotTo(HaveOccurred())
	s, err = cfg.Settings()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(s.TrustedRegistries).To(Equal([]string{"registry.example.com", "docker.io/library"}))
	g.Expect(s.CloudIdentityPatterns()).To(Equal([]string{"arn:aws:iam::123456789012:*"}))
	g.Expect(s.PullSecretPatterns()).To(Equal([]string{"harbor-*"}))

	tests := map[string]struct {
		yaml string
		want string
	}{
		"bad registry pattern": {"trustedRegistries: [\"[\"]\n", `detect.yaml: trustedRegistries: bad pattern "["`},
		"unknown field":        {"alow: []\n", "detect.yaml: yaml: unmarshal errors:\n  line 1: field alow not found"},
		"missing reason":       {"allow:\n- users: [x]\n- reason: ok\n  rules: [y]\n", "detect.yaml:2: allow[0].reason: required"},
		"bad CIDR":             {"proxyCIDRs: [10.0.0.0/33]\n", `detect.yaml: proxyCIDRs: "10.0.0.0/33" is not a CIDR or address`},
		"bad window":           {"burst: {window: soon}\n", `detect.yaml: burst.window: "soon" is not a positive duration`},
		"bad pattern":          {"allow:\n- reason: x\n  users: ['[']\n", "detect.yaml:2: allow[0]: bad pattern"},
		"negative threshold":   {"burst: {threshold: -1}\n", "burst.threshold: must be positive"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := detect.ParseConfig("detect.yaml", []byte(tc.yaml))
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
}

func TestConfig_ValidateRejectsRulePatternsThatMatchNothing(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	cfg, err := detect.ParseConfig("detect.yaml", []byte("allow:\n- reason: typo\n  rules: [pod-exce]\n"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Validate([]string{"pod-exec"})).To(MatchError(`detect.yaml:2: allow[0].rules: "pod-exce" matches no rule`))
	g.Expect(cfg.Validate([]string{"pod-exce"})).To(Succeed())
}

func TestLoadConfig_NamesAMissingFile(t *testing.T) {
	t.Parallel()
	_, err := detect.LoadConfig(filepath.Join(t.TempDir(), "none.yaml"))
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring("reading detect config")))
	NewWithT(t).Expect(os.IsNotExist(unwrapAll(err))).To(BeTrue())
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
