package cluster

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/fleet"
)

func TestCluster_AddListDescribeRemove(t *testing.T) {
	g := NewWithT(t)
	reg := registryKubeconfig(t)
	ctx := t.Context()
	cs := env.Admin(t)

	// Register the package's own control plane through its kubeconfig.
	out, err := execute(t, "add", "prod-eu", "--kubeconfig", reg, "--env", "prod", "--region", "eu-west-1",
		"--zones", "eu-west-1a,eu-west-1b", "--purpose", "shop", "--registry-kubeconfig", reg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(Equal("cluster prod-eu registered (kubeconfig in secret landfall-system/prod-eu-kubeconfig); the manager will probe it\n"))
	t.Cleanup(func() { _, _ = execute(t, "remove", "prod-eu", "--kubeconfig", reg) })

	secret, err := cs.CoreV1().Secrets(fleet.SystemNamespace).Get(ctx, "prod-eu-kubeconfig", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(secret.Labels).To(HaveKeyWithValue(LabelCluster, "prod-eu"))
	stored, err := clientcmd.Load(secret.Data["kubeconfig"])
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(stored.Contexts).To(HaveLen(1))
	_, err = fleet.RESTConfigFromKubeconfig(secret.Data["kubeconfig"])
	g.Expect(err).NotTo(HaveOccurred())

	// The manager's own cluster, registered in-cluster.
	out, err = execute(t, "add", "hub", "--in-cluster", "--env", "dev,staging", "--region", "eu-west-1", "--registry-kubeconfig", reg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("cluster hub registered (the manager's own cluster)"))
	t.Cleanup(func() { _, _ = execute(t, "remove", "hub", "--kubeconfig", reg) })

	out, err = execute(t, "list", "--kubeconfig", reg)
	g.Expect(err).NotTo(HaveOccurred())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	g.Expect(strings.Fields(lines[0])).To(HaveExactElements("NAME", "ENVIRONMENTS", "REGION", "ZONES", "READY", "REASON", "VERSION", "NODES", "LATENCY", "LAST", "PROBE"))
	g.Expect(lines).To(ContainElement(MatchRegexp(`^hub\s+dev,staging\s+eu-west-1\s+-\s+Unknown\s+-`)))
	g.Expect(lines).To(ContainElement(MatchRegexp(`^prod-eu\s+prod\s+eu-west-1\s+eu-west-1a,eu-west-1b\s+Unknown`)))

	out, err = execute(t, "list", "--kubeconfig", reg, "-o", "json")
	g.Expect(err).NotTo(HaveOccurred())
	var list landfallv1alpha1.ClusterList
	g.Expect(json.Unmarshal([]byte(out), &list)).To(Succeed())
	g.Expect(list.Items).To(HaveLen(2))
	got := list.Items[1]
	g.Expect(got.Name).To(Equal("prod-eu"))
	g.Expect(got.Labels).To(Equal(map[string]string{
		landfallv1alpha1.LabelEnvironment: "prod", landfallv1alpha1.LabelRegion: "eu-west-1", landfallv1alpha1.LabelPurpose: "shop",
	}))

	out, err = execute(t, "describe", "prod-eu", "--kubeconfig", reg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("Access:        kubeconfig in secret landfall-system/prod-eu-kubeconfig, key kubeconfig\n"))
	g.Expect(out).To(ContainSubstring("none yet (is the manager running?)"))
	// Never the credentials, in any output.
	key := stored.AuthInfos[stored.Contexts[stored.CurrentContext].AuthInfo].ClientKeyData
	g.Expect(key).NotTo(BeEmpty())
	for _, format := range []string{"text", "json", "yaml"} {
		out, err := execute(t, "describe", "prod-eu", "--kubeconfig", reg, "-o", format)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(out).NotTo(ContainSubstring("PRIVATE KEY"))
		g.Expect(out).NotTo(ContainSubstring(string(key[30:60])))
	}

	// Adding twice is refused; removing deletes the Secret it created.
	_, err = execute(t, "add", "prod-eu", "--kubeconfig", reg, "--env", "prod", "--registry-kubeconfig", reg)
	g.Expect(err).To(MatchError(ContainSubstring("already registered")))
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage))

	out, err = execute(t, "remove", "prod-eu", "--kubeconfig", reg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(Equal("cluster prod-eu removed\nsecret landfall-system/prod-eu-kubeconfig deleted\n"))
	_, err = cs.CoreV1().Secrets(fleet.SystemNamespace).Get(ctx, "prod-eu-kubeconfig", metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
	_, err = execute(t, "describe", "prod-eu", "--kubeconfig", reg)
	g.Expect(err).To(MatchError("cluster prod-eu is not registered"))
}

func TestCluster_RemoveKeepsSecretsItDidNotCreate(t *testing.T) {
	g := NewWithT(t)
	reg := registryKubeconfig(t)
	ctx := t.Context()
	cs := env.Admin(t)
	ns := env.Namespace(t)
	_, err := cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "byo"}, Data: map[string][]byte{"kubeconfig": []byte("x")}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	obj := &landfallv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "byo"}}
	obj.Spec.KubeConfig = &landfallv1alpha1.KubeConfigReference{Namespace: ns, Name: "byo"}
	c, err := (&registryOptions{kubeconfig: reg}).client()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c.Create(ctx, obj)).To(Succeed())

	out, err := execute(t, "remove", "byo", "--kubeconfig", reg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("secret " + ns + "/byo kept: not created by landfall cluster add"))
	_, err = cs.CoreV1().Secrets(ns).Get(ctx, "byo", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
}

func TestCluster_AddRefusesBadInput(t *testing.T) {
	reg := registryKubeconfig(t)
	dir := t.TempDir()
	execKubeconfig := filepath.Join(dir, "exec.yaml")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://10.0.0.1:6443"}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "/bin/sh", APIVersion: "client.authentication.k8s.io/v1"}}
	cfg.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "c"
	if err := clientcmd.WriteToFile(*cfg, execKubeconfig); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "garbage.yaml"), []byte("{{{"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		want string
	}{
		"exec plugin":      {[]string{"add", "x", "--kubeconfig", execKubeconfig, "--env", "prod"}, "exec plugin"},
		"no env":           {[]string{"add", "x", "--kubeconfig", reg}, "--env is required"},
		"no access":        {[]string{"add", "x", "--env", "prod"}, "one of --kubeconfig and --in-cluster is required"},
		"bad name":         {[]string{"add", "Prod_EU", "--in-cluster", "--env", "prod"}, `NAME "Prod_EU"`},
		"unknown context":  {[]string{"add", "x", "--kubeconfig", reg, "--context", "nope", "--env", "prod"}, `no context "nope"`},
		"both access ways": {[]string{"add", "x", "--kubeconfig", reg, "--in-cluster", "--env", "prod"}, "none of the others can be"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := execute(t, append(tt.args, "--registry-kubeconfig", reg)...)
			g.Expect(err).To(MatchError(ContainSubstring(tt.want)))
		})
	}
}
