package cliutil

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
)

const testKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u
  user: {token: not-a-real-token}
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
`

func TestKubeFlags_ImpersonatesUserGroupsAndUID(t *testing.T) {
	g := NewWithT(t)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	g.Expect(os.WriteFile(path, []byte(testKubeconfig), 0o600)).To(Succeed())

	k := KubeFlags{Kubeconfig: path, As: "alice", AsGroups: []string{"team-a"}, AsUID: "1234"}
	cfg, err := k.Config()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Impersonate.UserName).To(Equal("alice"))
	g.Expect(cfg.Impersonate.Groups).To(Equal([]string{"team-a"}))
	g.Expect(cfg.Impersonate.UID).To(Equal("1234"))

	cfg, err = (&KubeFlags{Kubeconfig: path}).Config()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Impersonate.UserName).To(BeEmpty())
	g.Expect(cfg.Impersonate.UID).To(BeEmpty())

	for flag, k := range map[string]KubeFlags{
		"--as-group": {Kubeconfig: path, AsGroups: []string{"team-a"}},
		"--as-uid":   {Kubeconfig: path, AsUID: "1234"},
	} {
		_, err := k.Config()
		g.Expect(ExitCode(err)).To(Equal(ExitUsage), "%s: %v", flag, err)
		g.Expect(err.Error()).To(ContainSubstring(flag + " needs --as"))
	}
}
