package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// addOptions are the flags of `landfall cluster add`.
type addOptions struct {
	registry     registryOptions
	kubeconfig   string
	context      string
	inCluster    bool
	environments []string
	region       string
	zones        []string
	purpose      string
	namespace    string
}

func addCommand() *cobra.Command {
	o := &addOptions{}
	cmd := &cobra.Command{
		Use:   "add NAME (--kubeconfig FILE [--context C] | --in-cluster) --env ENV --region REGION",
		Short: "Register a cluster: store its kubeconfig in a Secret and create its Cluster object",
		Long: `Register a cluster in the fleet. The kubeconfig's context (--context, or its
current one) is reduced to that context alone, its certificate files are
inlined, and it is stored in the Secret NAME-kubeconfig of --namespace
(created if missing). Kubeconfigs that use exec or auth-provider plugins or
refer to files the manager cannot read are refused: the manager never runs a
program on a Secret's say.

The registry is reached with --registry-kubeconfig/--registry-context (or
$KUBECONFIG); --kubeconfig/--context are the new cluster's.`,
		Example: `  landfall cluster add prod-eu --kubeconfig ~/.kube/prod --context prod-eu \
    --env prod --region eu-west-1 --zones eu-west-1a,eu-west-1b,eu-west-1c --purpose shop

  # A cluster shared by dev and staging
  landfall cluster add nonprod --kubeconfig nonprod.yaml --env dev,staging --region eu-west-1

  # The manager's own cluster
  landfall cluster add hub --in-cluster --env platform --region eu-west-1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout(), args[0])
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster to register")
	fs.StringVar(&o.context, "context", "", "context of --kubeconfig to use (default: its current context)")
	fs.BoolVar(&o.inCluster, "in-cluster", false, "register the manager's own cluster (no kubeconfig)")
	fs.StringSliceVar(&o.environments, "env", nil, "environments the cluster serves (repeat or comma-separate)")
	fs.StringVar(&o.region, "region", "", "region of the cluster")
	fs.StringSliceVar(&o.zones, "zones", nil, "zones the cluster spans")
	fs.StringVar(&o.purpose, "purpose", "", `what the cluster is for ("shared", an application, a team...)`)
	fs.StringVarP(&o.namespace, "namespace", "n", fleet.SystemNamespace, "namespace of the kubeconfig Secret")
	o.registry.BindFlags(fs, "registry-")
	_ = cmd.MarkFlagFilename("kubeconfig")
	cmd.MarkFlagsMutuallyExclusive("kubeconfig", "in-cluster")
	cmd.MarkFlagsMutuallyExclusive("context", "in-cluster")
	return cmd
}

func (o *addOptions) run(ctx context.Context, out io.Writer, name string) error {
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return cliutil.UsageError(fmt.Errorf("NAME %q: %s", name, errs[0]))
	}
	if o.kubeconfig == "" && !o.inCluster {
		return cliutil.UsageError(errors.New("one of --kubeconfig and --in-cluster is required"))
	}
	if len(o.environments) == 0 {
		return cliutil.UsageError(errors.New("--env is required"))
	}
	obj := &landfallv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: landfallv1alpha1.ClusterSpec{
			InCluster:    o.inCluster,
			Environments: o.environments,
			Region:       o.region,
			Zones:        o.zones,
			Purpose:      o.purpose,
		},
	}
	obj.Labels = obj.FleetLabels()
	var data []byte
	if !o.inCluster {
		var err error
		if data, err = fleet.PrepareKubeconfig(o.kubeconfig, o.context); err != nil {
			return cliutil.UsageError(fmt.Errorf("--kubeconfig: %w", err))
		}
		obj.Spec.KubeConfig = &landfallv1alpha1.KubeConfigReference{
			Namespace: o.namespace, Name: fleet.KubeconfigSecretName(name), Key: landfallv1alpha1.DefaultKubeConfigKey,
		}
	}
	c, err := o.registry.client()
	if err != nil {
		return err
	}
	existing := &landfallv1alpha1.Cluster{}
	switch err := c.Get(ctx, client.ObjectKey{Name: name}, existing); {
	case err == nil:
		return cliutil.UsageError(fmt.Errorf("cluster %s is already registered (landfall cluster remove %s first)", name, name))
	case !apierrors.IsNotFound(err):
		return fmt.Errorf("checking cluster %s: %w", name, err)
	}
	if data != nil {
		if err := o.storeSecret(ctx, c, name, data); err != nil {
			return err
		}
	}
	if err := c.Create(ctx, obj); err != nil {
		return fmt.Errorf("creating cluster %s: %w", name, err)
	}
	if data != nil {
		fmt.Fprintf(out, "cluster %s registered (kubeconfig in secret %s/%s); the manager will probe it\n", name, o.namespace, obj.Spec.KubeConfig.Name)
	} else {
		fmt.Fprintf(out, "cluster %s registered (the manager's own cluster); the manager will probe it\n", name)
	}
	return nil
}

// storeSecret creates the namespace if needed and creates or replaces the
// kubeconfig Secret.
func (o *addOptions) storeSecret(ctx context.Context, c client.Client, name string, data []byte) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: o.namespace}}
	if err := c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", o.namespace, err)
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: o.namespace, Name: fleet.KubeconfigSecretName(name),
			Labels: map[string]string{LabelCluster: name},
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{landfallv1alpha1.DefaultKubeConfigKey: data},
	}
	err := c.Create(ctx, secret)
	if apierrors.IsAlreadyExists(err) {
		err = c.Update(ctx, secret)
	}
	if err != nil {
		return fmt.Errorf("storing kubeconfig secret %s/%s: %w", o.namespace, secret.Name, err)
	}
	return nil
}
