package localcluster_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/localcluster"
)

const (
	helperEnv    = "LANDFALL_LOCALCLUSTER_HELPER"
	helperDirEnv = "LANDFALL_LOCALCLUSTER_HELPER_DIR"
)

// helperProcess runs in a child test binary: it starts a cluster, prints
// the component PIDs and waits to be killed. Its data directory is the
// parent test's (helperDirEnv): a killed helper cannot remove its own.
func helperProcess() {
	c, err := localcluster.Start(context.Background(), localcluster.Options{Dir: os.Getenv(helperDirEnv), Nodes: 1, FastStorage: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	var pids []int
	for _, p := range c.Processes() {
		pids = append(pids, p.PID)
	}
	_ = json.NewEncoder(os.Stdout).Encode(pids)
	select {}
}

// gone reports whether a process has ended (a zombie counts as ended: it
// runs nothing and waits only for its parent to reap it).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X")
}

func startTestCluster(t *testing.T, opts localcluster.Options) *localcluster.Cluster {
	t.Helper()
	env.Cluster(t) // skips when the binaries are missing
	opts.FastStorage = true
	c, err := localcluster.Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("starting cluster: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

func TestCluster_StopLeavesNoProcess(t *testing.T) {
	g := NewWithT(t)
	c := startTestCluster(t, localcluster.Options{Nodes: 1})
	procs := c.Processes()
	g.Expect(procs).To(HaveLen(5))
	for _, p := range procs {
		g.Expect(gone(p.PID)).To(BeFalse(), "%s should run", p.Name)
	}
	dir := c.Dir()
	g.Expect(c.Stop()).To(Succeed())
	for _, p := range procs {
		g.Expect(gone(p.PID)).To(BeTrue(), "%s (pid %d) survived Stop", p.Name, p.PID)
	}
	_, err := os.Stat(dir)
	g.Expect(os.IsNotExist(err)).To(BeTrue(), "temporary data directory not removed")
	g.Expect(c.Stop()).To(Succeed(), "a second Stop is harmless")
}

func TestCluster_KilledParentLeavesNoProcess(t *testing.T) {
	g := NewWithT(t)
	env.Cluster(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", helperDirEnv+"="+t.TempDir())
	out, err := cmd.StdoutPipe()
	g.Expect(err).NotTo(HaveOccurred())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	line, err := bufio.NewReader(out).ReadString('\n')
	g.Expect(err).NotTo(HaveOccurred(), "helper failed: %s", stderr.String())
	var pids []int
	g.Expect(json.Unmarshal([]byte(line), &pids)).To(Succeed())
	g.Expect(pids).To(HaveLen(5))

	// SIGKILL gives the parent no chance to clean up: the kernel's
	// parent-death signal must take the components down.
	g.Expect(cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
	_ = cmd.Wait()
	g.Eventually(func() []int {
		var alive []int
		for _, pid := range pids {
			if !gone(pid) {
				alive = append(alive, pid)
			}
		}
		return alive
	}, 15*time.Second, 100*time.Millisecond).Should(BeEmpty())
}

func TestCluster_FailedStartNamesComponentAndCleansUp(t *testing.T) {
	g := NewWithT(t)
	env.Cluster(t)
	before := childPIDs()
	_, err := localcluster.Start(t.Context(), localcluster.Options{APIServerArgs: []string{"--no-such-flag=1"}, FastStorage: true})
	g.Expect(err).To(HaveOccurred())
	var ce *localcluster.ComponentError
	g.Expect(errors.As(err, &ce)).To(BeTrue(), "want a ComponentError, got %T: %v", err, err)
	g.Expect(ce.Component).To(Equal(localcluster.KubeAPIServer))
	g.Expect(ce.LogTail).To(ContainSubstring("no-such-flag"))
	g.Expect(err.Error()).To(ContainSubstring("kube-apiserver"))
	// etcd was started before the API server failed; it must be gone.
	g.Expect(childPIDs()).To(Equal(before))
}

// childPIDs lists the live children of this process (of any of its
// threads), from /proc.
func childPIDs() []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 2 && fields[2] == fmt.Sprint(os.Getpid()) && !gone(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func TestFindBinaries_MissingSaysHowToBuild(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	dir := t.TempDir()
	_, err := localcluster.FindBinaries(dir, true)
	g.Expect(localcluster.IsMissingBinaries(err)).To(BeTrue())
	g.Expect(err.Error()).To(And(ContainSubstring("make k8s"), ContainSubstring("kube-apiserver"), ContainSubstring("kwok"), ContainSubstring(dir)))
}
