package cluster

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func removeCommand() *cobra.Command {
	var reg registryOptions
	var keepSecret bool
	cmd := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm"},
		Short:   "Unregister a cluster (the cluster itself is untouched)",
		Long: `Delete the Cluster object and the kubeconfig Secret that 'landfall cluster add'
created for it (a Secret not labelled landfall.dev/cluster=NAME is left alone).`,
		Example: `  landfall cluster remove prod-eu
  landfall cluster remove prod-eu --keep-secret`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: reg.completeName,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRemove(cmd.Context(), cmd.OutOrStdout(), &reg, args[0], keepSecret)
		},
	}
	cmd.Flags().BoolVar(&keepSecret, "keep-secret", false, "keep the kubeconfig Secret")
	reg.BindFlags(cmd.Flags(), "")
	return cmd
}

func runRemove(ctx context.Context, out io.Writer, reg *registryOptions, name string, keepSecret bool) error {
	c, err := reg.client()
	if err != nil {
		return err
	}
	obj, err := getCluster(ctx, c, name)
	if err != nil {
		return err
	}
	if err := c.Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting cluster %s: %w", name, err)
	}
	fmt.Fprintf(out, "cluster %s removed\n", name)
	ref := obj.Spec.KubeConfig
	if keepSecret || ref == nil {
		return nil
	}
	secret := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("reading secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	if secret.Labels[LabelCluster] != name {
		fmt.Fprintf(out, "secret %s/%s kept: not created by landfall cluster add\n", ref.Namespace, ref.Name)
		return nil
	}
	if err := c.Delete(ctx, secret); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	fmt.Fprintf(out, "secret %s/%s deleted\n", ref.Namespace, ref.Name)
	return nil
}
