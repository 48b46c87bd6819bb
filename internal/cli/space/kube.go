package space

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

// kubeOptions say how to reach the cluster, with the caller's own
// credentials (tenants use theirs).
type kubeOptions struct {
	kubeconfig string
	context    string
}

// bind registers --kubeconfig and --context.
func (o *kubeOptions) bind(fs *pflag.FlagSet) {
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&o.context, "context", "", "kubeconfig context")
}

// clients returns a controller-runtime client and the configuration.
func (o *kubeOptions) clients() (client.Client, *rest.Config, error) {
	cfg, err := fleet.ClientConfig(o.kubeconfig, o.context)
	if err != nil {
		return nil, nil, err
	}
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, nil, fmt.Errorf("building scheme: %w", err)
	}
	if err := landfallv1alpha1.AddToScheme(s); err != nil {
		return nil, nil, fmt.Errorf("building scheme: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: s})
	if err != nil {
		return nil, nil, fmt.Errorf("creating client: %w", err)
	}
	return c, cfg, nil
}

// typed returns the clientsets MySpaces needs.
func typed(cfg *rest.Config) (kubernetes.Interface, dynamic.Interface, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("creating client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("creating client: %w", err)
	}
	return cs, dyn, nil
}
