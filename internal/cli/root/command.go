package root

import (
	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/dev"
	"github.com/landfall-dev/landfall/internal/cli/version"
)

// Command returns the root `landfall` command with every sub-command.
func Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "landfall",
		Short: "Land Kubernetes safely: cluster strategy, GitOps delivery, self-service tenancy and Threat-Matrix security",
		Long: `Landfall lands Kubernetes safely in a company.

It advises on cluster topology and operates the fleet, delivers applications by
GitOps with a security gate on every sync, gives tenants self-service spaces
from standard templates, and finds, prevents and detects the attacks of the
MITRE ATT&CK-based Threat Matrix for Kubernetes.

Start with a local control plane:

  landfall dev up`,
		Example: `  # Start a local Kubernetes control plane and use it
  landfall dev up
  export KUBECONFIG=$(landfall dev kubeconfig)

  # Shell completion
  source <(landfall completion bash)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.AddCommand(
		version.Command(),
		dev.Command(),
	)
	return cmd
}
