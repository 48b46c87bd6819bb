package cluster

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/util/duration"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func listCommand() *cobra.Command {
	var reg registryOptions
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the registered clusters and whether they are Ready",
		Example: `  landfall cluster list
  landfall cluster list -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd.Context(), cmd.OutOrStdout(), &reg, output.String(), time.Now())
		},
	}
	output.Bind(cmd)
	reg.BindFlags(cmd.Flags(), "")
	return cmd
}

func runList(ctx context.Context, out io.Writer, reg *registryOptions, format string, now time.Time) error {
	c, err := reg.client()
	if err != nil {
		return err
	}
	var list landfallv1alpha1.ClusterList
	if err := c.List(ctx, &list); err != nil {
		return fmt.Errorf("listing clusters: %w", err)
	}
	if format != cliutil.OutputText {
		return cliutil.PrintStructured(out, format, &list)
	}
	if len(list.Items) == 0 {
		_, err := fmt.Fprintln(out, "No clusters registered (see `landfall cluster add`).")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENVIRONMENTS\tREGION\tZONES\tREADY\tREASON\tVERSION\tNODES\tLATENCY\tLAST PROBE")
	for _, cl := range list.Items {
		ready, reason := "Unknown", ""
		if cond := meta.FindStatusCondition(cl.Status.Conditions, landfallv1alpha1.ReadyCondition); cond != nil {
			ready, reason = string(cond.Status), cond.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cl.Name, dash(strings.Join(cl.Spec.Environments, ",")), dash(cl.Spec.Region),
			dash(strings.Join(zonesOf(&cl), ",")), ready, dash(reason), dash(cl.Status.KubernetesVersion), nodes(&cl), latency(&cl), probeAge(&cl, now))
	}
	return tw.Flush()
}

func zonesOf(c *landfallv1alpha1.Cluster) []string {
	if len(c.Status.Zones) > 0 {
		return c.Status.Zones
	}
	return c.Spec.Zones
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func nodes(c *landfallv1alpha1.Cluster) string {
	if c.Status.NodeCount == nil {
		return "-"
	}
	return fmt.Sprint(*c.Status.NodeCount)
}

func latency(c *landfallv1alpha1.Cluster) string {
	if c.Status.APILatency == nil {
		return "-"
	}
	return c.Status.APILatency.Duration.String()
}

func probeAge(c *landfallv1alpha1.Cluster, now time.Time) string {
	if c.Status.LastProbeTime == nil {
		return "-"
	}
	return duration.HumanDuration(now.Sub(c.Status.LastProbeTime.Time)) + " ago"
}
