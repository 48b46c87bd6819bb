package env

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func listCommand() *cobra.Command {
	var t target
	var all bool
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List environments with their applied revision and readiness",
		Example: `  landfall env list -n shop
  landfall env list -A -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd.Context(), cmd.OutOrStdout(), &t, all, output.String())
		},
	}
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "list the environments of every namespace you may read")
	output.Bind(cmd)
	t.bind(cmd)
	return cmd
}

func runList(ctx context.Context, out io.Writer, t *target, all bool, format string) error {
	c, err := t.kube.Client()
	if err != nil {
		return err
	}
	var opts []client.ListOption
	if !all {
		ns, err := t.ns.Resolve(&t.kube)
		if err != nil {
			return err
		}
		opts = append(opts, client.InNamespace(ns))
	}
	var list landfallv1alpha1.EnvironmentList
	if err := c.List(ctx, &list, opts...); err != nil {
		return fmt.Errorf("listing environments: %w", err)
	}
	if format != cliutil.OutputText {
		items := list.Items
		if items == nil {
			items = []landfallv1alpha1.Environment{}
		}
		return cliutil.PrintStructured(out, format, items)
	}
	if len(list.Items) == 0 {
		_, err := fmt.Fprintln(out, "No environments found.")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	if all {
		fmt.Fprint(tw, "NAMESPACE\t")
	}
	fmt.Fprintln(tw, "NAME\tREVISION\tREADY\tSTATUS")
	for i := range list.Items {
		e := &list.Items[i]
		if all {
			fmt.Fprintf(tw, "%s\t", e.Namespace)
		}
		r := ready(e)
		status := r.Message
		if e.Spec.Suspend {
			status = "suspended; " + status
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Name, short(e.Status.LastAppliedRevision), r.Status, status)
	}
	return tw.Flush()
}
