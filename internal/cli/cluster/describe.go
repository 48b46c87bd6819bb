package cluster

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func describeCommand() *cobra.Command {
	var reg registryOptions
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "describe NAME",
		Short: "Show a registered cluster: what it is for, how it is reached and what the manager saw",
		Example: `  landfall cluster describe prod-eu
  landfall cluster describe prod-eu -o yaml`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: reg.completeName,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDescribe(cmd.Context(), cmd.OutOrStdout(), &reg, output.String(), args[0], time.Now())
		},
	}
	output.Bind(cmd)
	reg.BindFlags(cmd.Flags(), "")
	return cmd
}

// getCluster fetches a Cluster, turning not-found into a usage error.
func getCluster(ctx context.Context, c client.Client, name string) (*landfallv1alpha1.Cluster, error) {
	obj := &landfallv1alpha1.Cluster{}
	if err := c.Get(ctx, client.ObjectKey{Name: name}, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, cliutil.UsageError(fmt.Errorf("cluster %s is not registered", name))
		}
		return nil, fmt.Errorf("reading cluster %s: %w", name, err)
	}
	return obj, nil
}

func runDescribe(ctx context.Context, out io.Writer, reg *registryOptions, format, name string, now time.Time) error {
	c, err := reg.client()
	if err != nil {
		return err
	}
	obj, err := getCluster(ctx, c, name)
	if err != nil {
		return err
	}
	if format != cliutil.OutputText {
		return cliutil.PrintStructured(out, format, obj)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Name:          %s\n", obj.Name)
	fmt.Fprintf(&b, "Environments:  %s\n", dash(strings.Join(obj.Spec.Environments, ", ")))
	fmt.Fprintf(&b, "Region:        %s\n", dash(obj.Spec.Region))
	fmt.Fprintf(&b, "Zones:         %s (spec), %s (seen)\n", dash(strings.Join(obj.Spec.Zones, ", ")), dash(strings.Join(obj.Status.Zones, ", ")))
	fmt.Fprintf(&b, "Purpose:       %s\n", dash(obj.Spec.Purpose))
	if obj.Spec.InCluster {
		b.WriteString("Access:        in-cluster (the manager's own credentials)\n")
	} else if ref := obj.Spec.KubeConfig; ref != nil {
		fmt.Fprintf(&b, "Access:        kubeconfig in secret %s/%s, key %s\n", ref.Namespace, ref.Name, ref.GetKey())
	}
	fmt.Fprintf(&b, "Probe:         every %s, timeout %s\n", obj.GetInterval(), obj.GetTimeout())
	fmt.Fprintf(&b, "Version:       %s\n", dash(obj.Status.KubernetesVersion))
	fmt.Fprintf(&b, "Nodes:         %s\n", nodes(obj))
	fmt.Fprintf(&b, "API latency:   %s\n", latency(obj))
	fmt.Fprintf(&b, "Last probe:    %s\n", probeAge(obj, now))
	fmt.Fprintf(&b, "Failures:      %d in a row\n", obj.Status.ConsecutiveFailures)
	b.WriteString("Conditions:\n")
	if len(obj.Status.Conditions) == 0 {
		b.WriteString("  none yet (is the manager running?)\n")
	}
	for _, cond := range obj.Status.Conditions {
		fmt.Fprintf(&b, "  %-12s %-6s %-20s %s\n", cond.Type, cond.Status, cond.Reason, cond.Message)
	}
	_, err = io.WriteString(out, b.String())
	return err
}
