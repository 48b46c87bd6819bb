package dev

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// statusReport is what `dev status -o json|yaml` prints.
type statusReport struct {
	Dir       string          `json:"dir"`
	Running   bool            `json:"running"`
	Ready     bool            `json:"ready"`
	PID       int             `json:"pid,omitempty"`
	Version   string          `json:"version,omitempty"`
	Server    string          `json:"server,omitempty"`
	StartedAt *time.Time      `json:"startedAt,omitempty"`
	Nodes     int             `json:"nodes"`
	Processes []processStatus `json:"processes,omitempty"`
}

type processStatus struct {
	Name    string `json:"name"`
	PID     int    `json:"pid"`
	Port    int    `json:"port,omitempty"`
	Running bool   `json:"running"`
	Log     string `json:"log"`
}

func statusCommand(shared *options) *cobra.Command {
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say what runs, on which ports, since when",
		Long:  "Say whether the local control plane runs and is ready, and list its processes with their ports and logs. Exits 1 when it does not run.",
		Example: `  landfall dev status
  landfall dev status -o json
  landfall dev status >/dev/null || landfall dev up`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := inspect(cmd.Context(), shared.dir)
			if err != nil {
				return err
			}
			rep := statusReport{Dir: shared.dir, Running: r.alive, Ready: r.ready}
			if r.alive {
				st := r.state
				rep.PID, rep.Version, rep.Server, rep.Nodes = st.OwnerPID, st.Version, st.Server, st.Nodes
				rep.StartedAt = &st.StartedAt
				for _, p := range st.Processes {
					rep.Processes = append(rep.Processes, processStatus{Name: p.Name, PID: p.PID, Port: p.Port, Log: p.Log, Running: processAlive(p.PID)})
				}
			}
			out := cmd.OutOrStdout()
			if output.String() != cliutil.OutputText {
				if err := cliutil.PrintStructured(out, output.String(), rep); err != nil {
					return err
				}
			} else if !r.alive {
				fmt.Fprintf(out, "The local control plane in %s is not running. Start it with `landfall dev up`.\n", shared.dir)
			} else {
				ready := "ready"
				if !r.ready {
					ready = "NOT ready"
				}
				fmt.Fprintf(out, "Kubernetes %s is running and %s: %s, %d simulated node(s)\n", rep.Version, ready, rep.Server, rep.Nodes)
				fmt.Fprintf(out, "Supervisor pid %d, up since %s (%s)\n\n", rep.PID, rep.StartedAt.Format(time.RFC3339), time.Since(*rep.StartedAt).Round(time.Second))
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "COMPONENT\tPID\tPORT\tSTATE\tLOG")
				for _, p := range rep.Processes {
					state := "running"
					if !p.Running {
						state = "exited"
					}
					port := "-"
					if p.Port > 0 {
						port = fmt.Sprint(p.Port)
					}
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", p.Name, p.PID, port, state, p.Log)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
			}
			if !r.alive || !r.ready {
				return cliutil.Silent(cliutil.ExitFailure)
			}
			return nil
		},
	}
	output.Bind(cmd)
	return cmd
}
