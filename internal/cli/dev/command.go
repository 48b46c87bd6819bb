package dev

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// EnvDevDir overrides the default data directory of the dev cluster.
const EnvDevDir = "LANDFALL_DEV_DIR"

// options are shared by every dev sub-command.
type options struct {
	dir string
}

// BindFlags registers --dir.
func (o *options) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.dir, "dir", defaultDir(), "data directory of the local control plane (env "+EnvDevDir+")")
}

func defaultDir() string {
	if d := os.Getenv(EnvDevDir); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "landfall-dev")
	}
	return filepath.Join(home, ".landfall", "dev")
}

// Command returns `landfall dev` with its sub-commands.
func Command() *cobra.Command {
	opts := &options{}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run a real local Kubernetes control plane to try Landfall on",
		Long: `Run a real local Kubernetes control plane: etcd, kube-apiserver,
kube-controller-manager, kube-scheduler and KWOK-simulated nodes, built from
source by 'make k8s' and started as local processes. No Docker, no download.

The cluster runs in the background; its data (certificates, etcd, logs, audit
log, kubeconfigs) stays in --dir until 'landfall dev down --purge'.`,
		Example: `  # Start it, use it, stop it
  landfall dev up
  kubectl --kubeconfig "$(landfall dev kubeconfig)" get nodes -L topology.kubernetes.io/zone
  landfall dev down`,
	}
	opts.BindFlags(cmd.PersistentFlags())
	_ = cmd.MarkPersistentFlagDirname("dir")
	cmd.AddCommand(upCommand(opts), downCommand(opts), statusCommand(opts), kubeconfigCommand(opts), usersCommand(opts))
	return cmd
}
