package fleet

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// writeKubeconfig writes a two-context kubeconfig whose user "files"
// refers to a certificate file, and returns its path.
func writeKubeconfig(t *testing.T, mutate func(*clientcmdapi.Config)) string {
	t.Helper()
	dir := t.TempDir()
	cert := filepath.Join(dir, "client.crt")
	if err := os.WriteFile(cert, []byte("CERTDATA"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["one"] = &clientcmdapi.Cluster{Server: "https://one.example:6443"}
	cfg.Clusters["two"] = &clientcmdapi.Cluster{Server: "https://two.example:6443"}
	cfg.AuthInfos["token"] = &clientcmdapi.AuthInfo{Token: "secret-token"}
	cfg.AuthInfos["files"] = &clientcmdapi.AuthInfo{ClientCertificate: cert, ClientKeyData: []byte("KEY")}
	cfg.Contexts["one"] = &clientcmdapi.Context{Cluster: "one", AuthInfo: "token"}
	cfg.Contexts["two"] = &clientcmdapi.Context{Cluster: "two", AuthInfo: "files"}
	cfg.CurrentContext = "one"
	if mutate != nil {
		mutate(cfg)
	}
	path := filepath.Join(dir, "config")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPrepareKubeconfig_KeepsOneContextAndInlinesFiles(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	data, err := PrepareKubeconfig(writeKubeconfig(t, nil), "two")
	g.Expect(err).NotTo(HaveOccurred())
	cfg, err := clientcmd.Load(data)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Contexts).To(HaveLen(1))
	g.Expect(cfg.CurrentContext).To(Equal("two"))
	g.Expect(cfg.AuthInfos).To(HaveLen(1))
	g.Expect(cfg.AuthInfos["files"].ClientCertificate).To(BeEmpty())
	g.Expect(string(cfg.AuthInfos["files"].ClientCertificateData)).To(Equal("CERTDATA"))
	g.Expect(string(data)).NotTo(ContainSubstring("secret-token"))

	rc, err := RESTConfigFromKubeconfig(data)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rc.Host).To(Equal("https://two.example:6443"))
}

func TestPrepareKubeconfig_Errors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		mutate  func(*clientcmdapi.Config)
		context string
		unsafe  bool
		want    string
	}{
		"unknown context": {context: "three", want: `no context "three"`},
		"exec plugin": {
			mutate: func(c *clientcmdapi.Config) {
				c.AuthInfos["token"] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "/bin/steal", APIVersion: "client.authentication.k8s.io/v1"}}
			},
			unsafe: true, want: "exec plugin",
		},
		"auth provider": {
			mutate: func(c *clientcmdapi.Config) {
				c.AuthInfos["token"] = &clientcmdapi.AuthInfo{AuthProvider: &clientcmdapi.AuthProviderConfig{Name: "gcp"}}
			},
			unsafe: true, want: "auth-provider",
		},
		"no current context": {
			mutate: func(c *clientcmdapi.Config) { c.CurrentContext = "" },
			want:   "no current context",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			_, err := PrepareKubeconfig(writeKubeconfig(t, tt.mutate), tt.context)
			g.Expect(err).To(MatchError(ContainSubstring(tt.want)))
			g.Expect(errors.Is(err, ErrUnsafeKubeconfig)).To(Equal(tt.unsafe))
		})
	}
}

func TestRESTConfigFromKubeconfig_RefusesFilesAndGarbage(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	raw, err := os.ReadFile(writeKubeconfig(t, func(c *clientcmdapi.Config) { c.CurrentContext = "two" }))
	g.Expect(err).NotTo(HaveOccurred())
	_, err = RESTConfigFromKubeconfig(raw)
	g.Expect(errors.Is(err, ErrUnsafeKubeconfig)).To(BeTrue())
	g.Expect(err.Error()).To(ContainSubstring("refers to files"))

	_, err = RESTConfigFromKubeconfig([]byte("token: secret-token\n\tbroken"))
	g.Expect(err).To(MatchError("parsing kubeconfig: not a valid kubeconfig"))
}
