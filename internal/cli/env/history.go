package env

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func historyCommand() *cobra.Command {
	var t target
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "history ENV",
		Short: "Show the last syncs of an environment, newest first",
		Long: `Show the last syncs of an environment (at most 10), newest first: the
revision, when, and whether it was applied (Succeeded), failed, blocked by
the gate, rolled back to, or re-applied to revert drift.`,
		Example: `  landfall env history prod -n shop
  landfall env history prod -n shop -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, env, err := t.get(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if output.String() != cliutil.OutputText {
				h := env.Status.History
				if h == nil {
					h = []landfallv1alpha1.SyncRecord{}
				}
				return cliutil.PrintStructured(cmd.OutOrStdout(), output.String(), h)
			}
			return printHistory(cmd.OutOrStdout(), env)
		},
	}
	output.Bind(cmd)
	t.bindEnvArg(cmd)
	return cmd
}

func printHistory(out io.Writer, env *landfallv1alpha1.Environment) error {
	if len(env.Status.History) == 0 {
		_, err := fmt.Fprintf(out, "No syncs of environment %s yet.\n", env.Name)
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tREVISION\tRESULT\tMESSAGE")
	marked := false
	for _, h := range env.Status.History {
		cur := ""
		if !marked && h.Revision == env.Status.LastAppliedRevision && h.Result != landfallv1alpha1.SyncFailed && h.Result != landfallv1alpha1.SyncBlocked {
			cur, marked = " *", true
		}
		fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\n", h.Time.UTC().Format("2006-01-02 15:04:05"), short(h.Revision), cur, h.Result, h.Message)
	}
	return tw.Flush()
}
