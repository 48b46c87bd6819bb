package cliutil_test

import (
	"testing"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
)

func TestKubeFlags_ImpersonatesUserGroupsAndUID(t *testing.T) {
	g := NewWithT(t)
	path := clitest.OfflineKubeconfig(t)

	k := cliutil.KubeFlags{Kubeconfig: path, As: "alice", AsGroups: []string{"team-a"}, AsUID: "1234"}
	cfg, err := k.Config()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Impersonate.UserName).To(Equal("alice"))
	g.Expect(cfg.Impersonate.Groups).To(Equal([]string{"team-a"}))
	g.Expect(cfg.Impersonate.UID).To(Equal("1234"))

	cfg, err = (&cliutil.KubeFlags{Kubeconfig: path}).Config()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Impersonate.UserName).To(BeEmpty())
	g.Expect(cfg.Impersonate.UID).To(BeEmpty())

	for flag, k := range map[string]cliutil.KubeFlags{
		"--as-group": {Kubeconfig: path, AsGroups: []string{"team-a"}},
		"--as-uid":   {Kubeconfig: path, AsUID: "1234"},
	} {
		_, err := k.Config()
		g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), "%s: %v", flag, err)
		g.Expect(err.Error()).To(ContainSubstring(flag + " needs --as"))
	}
}
