package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/landfall-dev/landfall/internal/testenv"
)

type devStatus struct {
	Running   bool `json:"running"`
	Ready     bool `json:"ready"`
	PID       int  `json:"pid"`
	Nodes     int  `json:"nodes"`
	Processes []struct {
		Name    string `json:"name"`
		PID     int    `json:"pid"`
		Port    int    `json:"port"`
		Running bool   `json:"running"`
	} `json:"processes"`
}

func clientFor(t *testing.T, kubeconfig string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestDev_UpStatusUsersDown(t *testing.T) {
	testenv.RequireBinaries(t, true)
	g := NewWithT(t)
	dir := filepath.Join(t.TempDir(), "dev")
	t.Cleanup(func() { landfall(t, nil, "dev", "down", "--dir", dir) })

	up := landfall(t, nil, "dev", "up", "--dir", dir, "--nodes", "1")
	g.Expect(up.code).To(Equal(0), "dev up: %s%s", up.stdout, up.stderr)
	g.Expect(up.stdout).To(ContainSubstring("Ready in"))
	g.Expect(up.stdout).To(ContainSubstring("kubectl --kubeconfig"))

	again := landfall(t, nil, "dev", "up", "--dir", dir, "--nodes", "1")
	g.Expect(again.code).To(Equal(0))
	g.Expect(again.stdout).To(ContainSubstring("already runs"))

	st := landfall(t, nil, "dev", "status", "--dir", dir, "-o", "json")
	g.Expect(st.code).To(Equal(0), st.stderr)
	var status devStatus
	g.Expect(json.Unmarshal([]byte(st.stdout), &status)).To(Succeed())
	g.Expect(status.Running).To(BeTrue())
	g.Expect(status.Ready).To(BeTrue())
	g.Expect(status.Nodes).To(Equal(1))
	g.Expect(status.Processes).To(HaveLen(5))
	for _, p := range status.Processes {
		g.Expect(p.Running).To(BeTrue(), p.Name)
	}

	kc := landfall(t, nil, "dev", "kubeconfig", "--dir", dir)
	g.Expect(kc.code).To(Equal(0))
	adminKubeconfig := trimNL(kc.stdout)
	nodes, err := clientFor(t, adminKubeconfig).CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(nodes.Items).To(HaveLen(1))

	users := landfall(t, nil, "dev", "users", "--dir", dir)
	g.Expect(users.code).To(Equal(0))
	g.Expect(users.stdout).To(And(ContainSubstring("platform-admin"), ContainSubstring("cluster-admin"), ContainSubstring("alice"), ContainSubstring("bob")))
	// The kubeconfig holds a private key: only its path is ever printed.
	g.Expect(users.stdout + kc.stdout).NotTo(ContainSubstring("PRIVATE KEY"))

	alice := landfall(t, nil, "dev", "kubeconfig", "--dir", dir, "--user", "alice")
	_, err = clientFor(t, trimNL(alice.stdout)).CoreV1().Secrets("default").List(t.Context(), metav1.ListOptions{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice has no rights: %v", err)

	down := landfall(t, nil, "dev", "down", "--dir", dir)
	g.Expect(down.code).To(Equal(0), down.stderr)
	for _, p := range status.Processes {
		g.Expect(pidGone(p.PID)).To(BeTrue(), "%s survived dev down", p.Name)
	}
	g.Expect(pidGone(status.PID)).To(BeTrue(), "supervisor survived dev down")
	stopped := landfall(t, nil, "dev", "status", "--dir", dir)
	g.Expect(stopped.code).To(Equal(1))
	g.Expect(stopped.stdout).To(ContainSubstring("not running"))

	// A second up reuses the data: the kubeconfig handed out before works.
	up2 := landfall(t, nil, "dev", "up", "--dir", dir, "--nodes", "1")
	g.Expect(up2.code).To(Equal(0), up2.stderr)
	_, err = clientFor(t, adminKubeconfig).CoreV1().Nodes().Get(t.Context(), "kwok-node-0", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	purge := landfall(t, nil, "dev", "down", "--dir", dir, "--purge")
	g.Expect(purge.code).To(Equal(0))
	_, err = os.Stat(dir)
	g.Expect(os.IsNotExist(err)).To(BeTrue())
}

func TestDev_UpWithoutBinariesSaysWhatToRun(t *testing.T) {
	g := NewWithT(t)
	res := landfall(t, []string{"LANDFALL_K8S_DIR=" + t.TempDir()}, "dev", "up", "--dir", t.TempDir())
	g.Expect(res.code).To(Equal(1))
	g.Expect(res.stderr).To(HavePrefix("Error: "))
	g.Expect(res.stderr).To(ContainSubstring("make k8s"))
}

func TestDev_BadFlagIsUsageError(t *testing.T) {
	g := NewWithT(t)
	res := landfall(t, nil, "dev", "up", "--nodes", "-1", "--dir", t.TempDir())
	g.Expect(res.code).To(Equal(2))
	g.Expect(res.stderr).To(ContainSubstring("--nodes"))
}
