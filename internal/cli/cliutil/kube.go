package cliutil

import (
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// KubeFlags are kubectl's --kubeconfig, --context, --as, --as-group and
// --as-uid: how a command reaches the cluster, with the caller's own
// credentials (tenants use theirs), or impersonating someone as kubectl
// does (an admin seeing what a tenant sees).
type KubeFlags struct {
	// Kubeconfig is the kubeconfig file; empty means $KUBECONFIG or
	// ~/.kube/config.
	Kubeconfig string
	// Context is the kubeconfig context; empty means the current one.
	Context string
	// As is the user to impersonate; empty means none.
	As string
	// AsGroups are the groups to impersonate, with As.
	AsGroups []string
	// AsUID is the UID to impersonate, with As.
	AsUID string
}

// Bind registers --kubeconfig, --context, --as, --as-group and --as-uid.
func (k *KubeFlags) Bind(fs *pflag.FlagSet) {
	k.BindKubeconfig(fs)
	fs.StringVar(&k.As, "as", "", "user to impersonate for the operation, as kubectl --as (needs the impersonate permission)")
	fs.StringArrayVar(&k.AsGroups, "as-group", nil, "group to impersonate, with --as (repeatable)")
	fs.StringVar(&k.AsUID, "as-uid", "", "UID to impersonate, with --as")
}

// BindKubeconfig registers --kubeconfig and --context only, for a command
// whose --as means something else.
func (k *KubeFlags) BindKubeconfig(fs *pflag.FlagSet) {
	fs.StringVar(&k.Kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&k.Context, "context", "", "kubeconfig context")
}

// Config returns the REST configuration the flags select.
func (k *KubeFlags) Config() (*rest.Config, error) {
	if k.As == "" && len(k.AsGroups) > 0 {
		return nil, UsageError(fmt.Errorf("--as-group needs --as: impersonating groups without a user is not allowed"))
	}
	if k.As == "" && k.AsUID != "" {
		return nil, UsageError(fmt.Errorf("--as-uid needs --as: impersonating a UID without a user is not allowed"))
	}
	cfg, err := fleet.ClientConfig(k.Kubeconfig, k.Context)
	if err != nil {
		return nil, err
	}
	if k.As != "" {
		cfg.Impersonate = rest.ImpersonationConfig{UserName: k.As, Groups: k.AsGroups, UID: k.AsUID}
	}
	return cfg, nil
}

// Client returns a controller-runtime client that knows Landfall's types.
func (k *KubeFlags) Client() (client.Client, error) {
	c, _, err := k.Clients()
	return c, err
}

// Clients returns a controller-runtime client that knows Landfall's types,
// and the configuration it was built from.
func (k *KubeFlags) Clients() (client.Client, *rest.Config, error) {
	cfg, err := k.Config()
	if err != nil {
		return nil, nil, err
	}
	s, err := Scheme()
	if err != nil {
		return nil, nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: s})
	if err != nil {
		return nil, nil, fmt.Errorf("creating client: %w", err)
	}
	return c, cfg, nil
}

// Scheme returns a scheme of the built-in Kubernetes types and Landfall's.
func Scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding client-go types to the scheme: %w", err)
	}
	if err := landfallv1alpha1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding landfall types to the scheme: %w", err)
	}
	return s, nil
}

// Clientsets returns a typed and a dynamic clientset for cfg.
func Clientsets(cfg *rest.Config) (kubernetes.Interface, dynamic.Interface, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("creating client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("creating dynamic client: %w", err)
	}
	return cs, dyn, nil
}
