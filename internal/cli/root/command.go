package root

import (
	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/account"
	"github.com/landfall-dev/landfall/internal/cli/cani"
	"github.com/landfall-dev/landfall/internal/cli/checks"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cluster"
	detectcmd "github.com/landfall-dev/landfall/internal/cli/detect"
	"github.com/landfall-dev/landfall/internal/cli/dev"
	envcmd "github.com/landfall-dev/landfall/internal/cli/env"
	"github.com/landfall-dev/landfall/internal/cli/manager"
	"github.com/landfall-dev/landfall/internal/cli/matrix"
	"github.com/landfall-dev/landfall/internal/cli/plan"
	"github.com/landfall-dev/landfall/internal/cli/promote"
	"github.com/landfall-dev/landfall/internal/cli/rbacrisks"
	"github.com/landfall-dev/landfall/internal/cli/scan"
	"github.com/landfall-dev/landfall/internal/cli/space"
	"github.com/landfall-dev/landfall/internal/cli/spaces"
	clitemplate "github.com/landfall-dev/landfall/internal/cli/template"
	"github.com/landfall-dev/landfall/internal/cli/version"
	"github.com/landfall-dev/landfall/internal/cli/whocan"
	detectrules "github.com/landfall-dev/landfall/internal/detect/rules"
	builtin "github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/rbac"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
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

  # The Threat Matrix, and what Landfall covers of it
  landfall matrix --coverage

  # Which cluster topology suits your organisation
  landfall plan examples/plan/typical.yaml

  # Scan manifests for the weaknesses of the Threat Matrix
  landfall scan ./deploy -o matrix

  # Self-service tenancy: a tenant creates a space and lists theirs
  landfall space create team-a-web --account team-a
  landfall spaces

  # Detect attacks in the API server's audit log
  landfall detect --min-severity medium /var/log/kubernetes/audit.log

  # Shell completion
  source <(landfall completion bash)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.AddCommand(
		version.Command(),
		dev.Command(),
		matrix.Command(coverage),
		scan.Command(),
		detectcmd.Command(),
		checks.Command(),
		plan.Command(),
		cluster.Command(),
		manager.Command(),
		account.Command(),
		space.Command(),
		spaces.Command(),
		clitemplate.Command(),
		whocan.Command(),
		cani.Command(),
		rbacrisks.Command(),
		envcmd.Command(),
		promote.Command(),
	)
	// Bad flags, wrong arguments and unknown sub-commands are usage
	// errors (exit 2), as in kubectl.
	cliutil.Conventions(cmd)
	return cmd
}

// coverage is what Landfall assesses today: the techniques of the manifest
// checks and of the audit-log detection rules.
func coverage() threatmatrix.Coverage {
	var manifest, audit, live []string
	for _, c := range builtin.All() {
		manifest = append(manifest, c.Techniques...)
	}
	for _, r := range detectrules.All() {
		audit = append(audit, r.Techniques...)
	}
	// The RBAC analysis of a live cluster (scan --cluster, rbac-risks).
	for _, c := range rbac.Checks() {
		live = append(live, c.Techniques...)
	}
	return threatmatrix.Merge(
		threatmatrix.CoverageFrom(threatmatrix.SourceManifest, manifest),
		threatmatrix.CoverageFrom(threatmatrix.SourceAuditLog, audit),
		threatmatrix.CoverageFrom(threatmatrix.SourceLiveCluster, live),
	)
}
