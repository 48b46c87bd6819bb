package spaces

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// Command returns `landfall spaces`.
func Command() *cobra.Command {
	var kube cliutil.KubeFlags
	var selector cliutil.SelectorFlag
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "spaces",
		Short: "List my spaces: the namespaces of the accounts I belong to",
		Long: `List the spaces of the accounts you belong to, with your own credentials.
Tenants cannot list namespaces without seeing everyone's; Landfall grants
each account's subjects get on their Spaces by name, and this command finds
those names through a SelfSubjectRulesReview.

Whoever may list Spaces (a platform admin) sees every space. -o json and
-o yaml print a SpaceList.`,
		Example: `  landfall spaces
  landfall spaces -o yaml

  # Only the spaces of one account
  landfall spaces -l landfall.dev/account=team-a`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Run(cmd.Context(), cmd.OutOrStdout(), &kube, &selector, output.String())
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	output.Bind(cmd)
	selector.Bind(cmd.Flags())
	kube.Bind(cmd.Flags())
	return cmd
}

// Run lists the caller's spaces that selector matches in format (text,
// json or yaml); `landfall space list` runs it too.
func Run(ctx context.Context, out io.Writer, kube *cliutil.KubeFlags, selector *cliutil.SelectorFlag, format string) error {
	sel, err := selector.Parse()
	if err != nil {
		return err
	}
	cfg, err := kube.Config()
	if err != nil {
		return err
	}
	cs, dyn, err := cliutil.Clientsets(cfg)
	if err != nil {
		return err
	}
	list, err := tenancy.MySpaces(ctx, cs, dyn)
	if err != nil {
		return err
	}
	list = cliutil.MatchingLabels(list, sel)
	if format != cliutil.OutputText {
		// A List, as kubectl prints one (and `account list` does): it can
		// be applied back, and `.items[]` finds the spaces.
		sl := &landfallv1alpha1.SpaceList{Items: list}
		sl.SetGroupVersionKind(landfallv1alpha1.GroupVersion.WithKind("SpaceList"))
		return cliutil.PrintStructured(out, format, sl)
	}
	return Print(out, list)
}

// Print writes spaces as a table.
func Print(out io.Writer, list []landfallv1alpha1.Space) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(out, "No spaces (create one with `landfall space create NAME --account ACCOUNT`).")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tACCOUNT\tREADY\tSTATUS")
	for _, s := range list {
		ready, msg := "Unknown", "Pending: the manager has not set it up yet"
		if c := meta.FindStatusCondition(s.Status.Conditions, landfallv1alpha1.ReadyCondition); c != nil {
			ready, msg = string(c.Status), c.Message
		}
		if s.DeletionTimestamp != nil {
			// As `account list` shows an account being deleted.
			ready, msg = "Terminating", "its namespace and everything in it are being deleted"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Spec.Account, ready, msg)
	}
	return tw.Flush()
}
