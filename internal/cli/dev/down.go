package dev

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

func downCommand(shared *options) *cobra.Command {
	var purge bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop the local control plane, keeping its data unless --purge",
		Example: `  # Stop it; 'landfall dev up' later starts it again with the same data
  landfall dev down

  # Stop it and delete certificates, etcd data, logs and the audit log
  landfall dev down --purge`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			r, err := inspect(cmd.Context(), shared.dir)
			if err != nil {
				return err
			}
			if r.alive {
				pid := r.state.OwnerPID
				fmt.Fprintf(out, "Stopping the local control plane (pid %d) ...\n", pid)
				if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
					return fmt.Errorf("stopping pid %d: %w", pid, err)
				}
				deadline := time.Now().Add(timeout)
				for processAlive(pid) && time.Now().Before(deadline) {
					time.Sleep(100 * time.Millisecond)
				}
				if processAlive(pid) {
					// The components die with their supervisor (parent-death
					// signal), so killing it ends them too.
					_ = syscall.Kill(pid, syscall.SIGKILL)
					fmt.Fprintf(out, "Killed pid %d after %s.\n", pid, timeout)
				}
				fmt.Fprintln(out, "Stopped.")
			} else {
				fmt.Fprintln(out, "The local control plane is not running.")
			}
			if purge {
				if err := os.RemoveAll(shared.dir); err != nil {
					return fmt.Errorf("purging %s: %w", shared.dir, err)
				}
				fmt.Fprintf(out, "Deleted %s.\n", shared.dir)
			} else if _, err := os.Stat(shared.dir); err == nil {
				fmt.Fprintf(out, "Data kept in %s (delete with --purge).\n", shared.dir)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&purge, "purge", false, "also delete the data directory")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait for an orderly stop before killing")
	return cmd
}
