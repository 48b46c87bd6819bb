package dev

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func kubeconfigCommand(shared *options) *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Print the path of the admin's (or a sample user's) kubeconfig",
		Long: `Print the path of the admin kubeconfig, or with --user that of a sample user.
The path, not the content, is printed: the file holds a private key.`,
		Example: `  export KUBECONFIG=$(landfall dev kubeconfig)
  kubectl --kubeconfig "$(landfall dev kubeconfig --user alice)" auth can-i --list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			name := "admin"
			if user != "" {
				name = user
			}
			path := filepath.Join(shared.dir, "kubeconfig", name+".kubeconfig")
			if _, err := os.Stat(path); err != nil {
				if user != "" {
					return fmt.Errorf("no kubeconfig for user %q in %s (see `landfall dev users`)", user, shared.dir)
				}
				return fmt.Errorf("no local control plane in %s yet: run `landfall dev up`", shared.dir)
			}
			abs, err := filepath.Abs(path)
			if err != nil {
				return fmt.Errorf("resolving %s: %w", path, err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), abs)
			return nil
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "a sample user (see `landfall dev users`)")
	_ = cmd.RegisterFlagCompletionFunc("user", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, u := range sampleUsers() {
			names = append(names, u.Name)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}
