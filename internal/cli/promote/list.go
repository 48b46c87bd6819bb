package promote

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func listCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	var ns cliutil.NamespaceFlag
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List promotions with their phase and commit",
		Example: `  landfall promote list -n shop`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd.Context(), cmd.OutOrStdout(), &kube, &ns, output.String())
		},
	}
	output.Bind(cmd)
	kube.Bind(cmd.Flags())
	ns.Bind(cmd.Flags())
	return cmd
}

func runList(ctx context.Context, out io.Writer, kube *cliutil.KubeFlags, nsFlag *cliutil.NamespaceFlag, format string) error {
	c, err := kube.Client()
	if err != nil {
		return err
	}
	ns, err := nsFlag.Resolve(kube)
	if err != nil {
		return err
	}
	var list landfallv1alpha1.PromotionList
	if err := c.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return fmt.Errorf("listing promotions: %w", err)
	}
	if format != cliutil.OutputText {
		items := list.Items
		if items == nil {
			items = []landfallv1alpha1.Promotion{}
		}
		return cliutil.PrintStructured(out, format, items)
	}
	if len(list.Items) == 0 {
		_, err := fmt.Fprintf(out, "No promotions in namespace %s.\n", ns)
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tAPPLICATION\tFROM\tTO\tPHASE\tCOMMIT\tAGE\tMESSAGE")
	for _, p := range list.Items {
		commit := p.Status.Commit
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if commit == "" {
			commit = "-"
		}
		age := time.Since(p.CreationTimestamp.Time).Round(time.Second)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, p.Spec.Application, p.Spec.From, p.Spec.To, p.Status.Phase, commit, age, p.Status.Message)
	}
	return tw.Flush()
}
