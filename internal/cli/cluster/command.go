package cluster

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// LabelCluster marks the kubeconfig Secrets `landfall cluster add` creates,
// so `remove` deletes only those.
const LabelCluster = "landfall.dev/cluster"

// registryOptions say how to reach the cluster that holds the registry
// (the manager's cluster).
type registryOptions struct {
	kubeconfig string
	context    string
}

// completeName completes the names of registered clusters.
func (o *registryOptions) completeName(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	kube := cliutil.KubeFlags{Kubeconfig: o.kubeconfig, Context: o.context}
	return cliutil.CompleteNameArg(&kube, nil, landfallv1alpha1.GroupVersion.WithResource("clusters"))(cmd, args, toComplete)
}

// BindFlags registers the flags under names: "kubeconfig" and "context"
// for list, describe and remove; "registry-kubeconfig" and
// "registry-context" for add, whose --kubeconfig is the new cluster's.
func (o *registryOptions) BindFlags(fs *pflag.FlagSet, prefix string) {
	fs.StringVar(&o.kubeconfig, prefix+"kubeconfig", "", "kubeconfig of the cluster holding the fleet registry (default $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&o.context, prefix+"context", "", "kubeconfig context of the cluster holding the fleet registry")
}

// client returns a client to the registry.
func (o *registryOptions) client() (client.Client, error) {
	return (&cliutil.KubeFlags{Kubeconfig: o.kubeconfig, Context: o.context}).Client()
}

// Command returns `landfall cluster` with its sub-commands.
func Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Register the clusters of the fleet and see what the manager sees of them",
		Long: `Register the clusters of the fleet in the cluster the Landfall manager runs
in. Each cluster is a Cluster object (cluster-scoped) that references a
Secret holding its kubeconfig; the manager probes it (reachability, version,
nodes, zones, API latency) and sets its Ready condition. Credentials are read
only by the manager and never printed.`,
		Example: `  # Register a production cluster from a kubeconfig context
  landfall cluster add prod-eu --kubeconfig ~/.kube/prod --context prod-eu --env prod --region eu-west-1

  # The manager's own cluster
  landfall cluster add hub --in-cluster --env platform --region eu-west-1

  # What the manager sees
  landfall cluster list
  landfall cluster describe prod-eu`,
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	cmd.AddCommand(addCommand(), listCommand(), describeCommand(), removeCommand())
	return cmd
}
