package dev

import (
	"context"
	"errors"
	"os"
	"strconv"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/landfall-dev/landfall/internal/localcluster"
)

// running is what is known of the dev cluster in a directory.
type running struct {
	state    localcluster.State
	hasState bool
	alive    bool // the owner process runs
	ready    bool // the API server answers /readyz
}

// inspect reads the state in dir and probes the owner and the API server.
func inspect(ctx context.Context, dir string) (running, error) {
	st, err := localcluster.ReadState(dir)
	if errors.Is(err, os.ErrNotExist) {
		return running{}, nil
	}
	if err != nil {
		return running{}, err
	}
	r := running{state: st, hasState: true, alive: processAlive(st.OwnerPID)}
	if r.alive {
		r.ready = apiReady(ctx, st.AdminKubeconfig)
	}
	return r, nil
}

// processAlive reports whether pid runs (a zombie does not count).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc: trust kill(0)
	}
	for i := len(stat) - 1; i >= 0; i-- {
		if stat[i] == ')' {
			return i+2 < len(stat) && stat[i+2] != 'Z' && stat[i+2] != 'X'
		}
	}
	return true
}

func apiReady(ctx context.Context, kubeconfig string) bool {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return false
	}
	cfg.Timeout = 2 * time.Second
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return false
	}
	_, err = cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	return err == nil
}
