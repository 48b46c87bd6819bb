package dev

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/localcluster"
)

func sampleUsers() []localcluster.User { return localcluster.SampleUsers }

type userRow struct {
	Name        string   `json:"name"`
	Groups      []string `json:"groups"`
	ClusterRole string   `json:"clusterRole,omitempty"`
	Kubeconfig  string   `json:"kubeconfig"`
}

func usersCommand(shared *options) *cobra.Command {
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "users",
		Short: "List the sample users and their kubeconfigs",
		Long: `List the sample users of the local control plane with their groups, the
cluster role bound to them at start, and the path of their kubeconfig. The
platform admin is cluster-admin; the tenants have no rights until something
(tenancy, a RoleBinding) grants them some.`,
		Example: `  landfall dev users
  kubectl --kubeconfig "$(landfall dev kubeconfig --user alice)" get pods   # Forbidden until granted`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rows []userRow
			for _, u := range sampleUsers() {
				path, err := filepath.Abs(filepath.Join(shared.dir, "kubeconfig", u.Name+".kubeconfig"))
				if err != nil {
					return fmt.Errorf("resolving kubeconfig path: %w", err)
				}
				if _, err := os.Stat(path); err != nil {
					return fmt.Errorf("no local control plane in %s yet: run `landfall dev up`", shared.dir)
				}
				rows = append(rows, userRow{Name: u.Name, Groups: u.Groups, ClusterRole: u.ClusterRole, Kubeconfig: path})
			}
			out := cmd.OutOrStdout()
			if output.String() != cliutil.OutputText {
				return cliutil.PrintStructured(out, output.String(), rows)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "USER\tGROUPS\tCLUSTER ROLE\tKUBECONFIG")
			for _, r := range rows {
				role := r.ClusterRole
				if role == "" {
					role = "(none)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, strings.Join(r.Groups, ","), role, r.Kubeconfig)
			}
			return tw.Flush()
		},
	}
	output.Bind(cmd)
	return cmd
}
