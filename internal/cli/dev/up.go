package dev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/version"
)

const supervisorLog = "logs/landfall-dev.log"

type upOptions struct {
	*options
	nodes      int
	wait       time.Duration
	foreground bool
}

func upCommand(shared *options) *cobra.Command {
	o := &upOptions{options: shared}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start the local control plane in the background",
		Long: `Start the local control plane in the background and wait until it is ready:
the API server answers, the controller-manager and scheduler are healthy and
the simulated nodes are Ready.

The binaries come from 'make k8s' (built once from the Go module proxy into
~/.cache/landfall/k8s, or $LANDFALL_K8S_DIR); 'up' never builds them itself.
Running 'up' on a cluster that already runs says so and exits 0. Data from a
previous run in the same --dir (certificates, etcd) is reused.`,
		Example: `  # Three simulated nodes in zones zone-a, zone-b, zone-c
  landfall dev up

  # Control plane only, in a directory of its own
  landfall dev up --nodes 0 --dir /tmp/lf

  # Stay in the foreground; Ctrl-C stops it
  landfall dev up --foreground`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.nodes < 0 {
				return cliutil.UsageError(fmt.Errorf("--nodes must be 0 or more, got %d", o.nodes))
			}
			if o.foreground {
				return o.runForeground(cmd.Context(), cmd.OutOrStdout())
			}
			return o.runBackground(cmd.Context(), cmd.OutOrStdout())
		},
	}
	cmd.Flags().IntVar(&o.nodes, "nodes", localcluster.DefaultNodes, "number of KWOK-simulated nodes, one zone each round robin (0: control plane only)")
	cmd.Flags().DurationVar(&o.wait, "wait", 2*time.Minute, "how long to wait for the control plane to be ready")
	cmd.Flags().BoolVar(&o.foreground, "foreground", false, "run in the foreground until interrupted")
	return cmd
}

func (o *upOptions) clusterOptions() localcluster.Options {
	return localcluster.Options{
		Dir:          o.dir,
		Nodes:        o.nodes,
		Users:        localcluster.SampleUsers,
		StartTimeout: o.wait,
	}
}

// runBackground starts `landfall dev up --foreground` as a detached
// supervisor and waits for it to report the cluster ready.
func (o *upOptions) runBackground(ctx context.Context, out io.Writer) error {
	r, err := inspect(ctx, o.dir)
	if err != nil {
		return err
	}
	if r.alive {
		if r.ready {
			fmt.Fprintf(out, "The local control plane already runs (pid %d, since %s).\n", r.state.OwnerPID, r.state.StartedAt.Format(time.RFC3339))
			printNext(out, r.state)
			return nil
		}
		return fmt.Errorf("a local control plane in %s runs (pid %d) but is not ready; see `landfall dev status` or stop it with `landfall dev down`", o.dir, r.state.OwnerPID)
	}
	if _, err := localcluster.FindBinaries("", o.nodes > 0); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(o.dir, "logs"), 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", o.dir, err)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the landfall binary: %w", err)
	}
	logPath := filepath.Join(o.dir, supervisorLog)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("opening %s: %w", logPath, err)
	}
	defer logFile.Close()
	child := exec.Command(exe, "dev", "up", "--foreground", "--dir", o.dir,
		"--nodes", strconv.Itoa(o.nodes), "--wait", o.wait.String())
	child.Stdout, child.Stderr = logFile, logFile
	child.SysProcAttr = detached()
	begin := time.Now()
	fmt.Fprintf(out, "Starting the local Kubernetes %s control plane in %s ...\n", version.KubernetesVersion, o.dir)
	if err := child.Start(); err != nil {
		return fmt.Errorf("starting the supervisor: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()

	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(o.wait + 10*time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("the local control plane did not start (%w):\n%s", err, lastLines(logPath, 25))
		case <-ctx.Done():
			_ = child.Process.Signal(syscall.SIGTERM)
			return fmt.Errorf("interrupted; stopping the local control plane: %w", ctx.Err())
		case <-deadline:
			_ = child.Process.Signal(syscall.SIGTERM)
			return fmt.Errorf("the local control plane was not ready after %s; see %s", o.wait, logPath)
		case <-tick.C:
		}
		st, err := localcluster.ReadState(o.dir)
		if err != nil || st.OwnerPID != child.Process.Pid {
			continue
		}
		fmt.Fprintf(out, "Ready in %.1fs: Kubernetes %s, %d simulated node(s), API server %s\n",
			time.Since(begin).Seconds(), st.Version, st.Nodes, st.Server)
		printNext(out, st)
		return nil
	}
}

// runForeground runs the cluster in this process until SIGINT or SIGTERM,
// or until a component dies.
func (o *upOptions) runForeground(ctx context.Context, out io.Writer) error {
	// A fresh signal context: the supervisor must stop in order on a signal
	// rather than be cut short by a parent's context.
	sigCtx, stop := signal.NotifyContext(context.WithoutCancel(ctx), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if r, err := inspect(sigCtx, o.dir); err == nil && r.alive && r.state.OwnerPID != os.Getpid() {
		return fmt.Errorf("a local control plane in %s already runs (pid %d)", o.dir, r.state.OwnerPID)
	}
	begin := time.Now()
	c, err := localcluster.Start(sigCtx, o.clusterOptions())
	if err != nil {
		return fmt.Errorf("starting the local control plane: %w", err)
	}
	fmt.Fprintf(out, "%s ready in %.1fs: %s\n", time.Now().Format(time.RFC3339), time.Since(begin).Seconds(), c.Server())
	var runErr error
	select {
	case <-sigCtx.Done():
		fmt.Fprintf(out, "%s stopping\n", time.Now().Format(time.RFC3339))
	case err := <-c.Failed():
		if err != nil {
			runErr = fmt.Errorf("a component stopped: %w", err)
			fmt.Fprintf(out, "%s %v\n", time.Now().Format(time.RFC3339), runErr)
		}
	}
	if err := c.Stop(); err != nil && runErr == nil {
		runErr = err
	}
	fmt.Fprintf(out, "%s stopped\n", time.Now().Format(time.RFC3339))
	return runErr
}

func printNext(out io.Writer, st localcluster.State) {
	fmt.Fprintf(out, `
  kubeconfig: %s
  try:        kubectl --kubeconfig %s get nodes -L topology.kubernetes.io/zone
  users:      landfall dev users   (a platform admin and two tenants)
  audit log:  %s
  stop:       landfall dev down
`, st.AdminKubeconfig, st.AdminKubeconfig, st.AuditLog)
}

// lastLines returns the last n lines of a file, for error messages.
func lastLines(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return errors.Unwrap(err).Error()
	}
	lines := splitLines(string(data))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	s := ""
	for _, l := range lines {
		s += "  " + l + "\n"
	}
	return s
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
