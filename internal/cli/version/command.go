package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/version"
)

// Command returns the `landfall version` command.
func Command() *cobra.Command {
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print Landfall's version and the Kubernetes version it was built against",
		Example: `  # Human-readable
  landfall version

  # Machine-readable
  landfall version -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := version.Get()
			if output.String() != cliutil.OutputText {
				return cliutil.PrintStructured(cmd.OutOrStdout(), output.String(), info)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Landfall:   %s\n", info.Landfall)
			fmt.Fprintf(out, "Kubernetes: %s (local control plane)\n", info.Kubernetes)
			if info.ClientGo != "" {
				fmt.Fprintf(out, "client-go:  %s\n", info.ClientGo)
			}
			fmt.Fprintf(out, "Go:         %s %s\n", info.Go, info.Platform)
			return nil
		},
	}
	output.Bind(cmd)
	return cmd
}
