package cliutil

import (
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/client-go/tools/clientcmd"
)

// NamespaceFlag is kubectl's -n/--namespace: the namespace a command works
// in, defaulting to the kubeconfig context's namespace, then "default".
type NamespaceFlag struct {
	// Value is the flag's value; empty means the context's.
	Value string
}

// Bind registers -n/--namespace.
func (n *NamespaceFlag) Bind(fs *pflag.FlagSet) {
	fs.StringVarP(&n.Value, "namespace", "n", "", "namespace (default: the kubeconfig context's, then \"default\")")
}

// Resolve returns the flag's value, or the namespace of the context that
// kube selects, or "default".
func (n *NamespaceFlag) Resolve(kube *KubeFlags) (string, error) {
	if n.Value != "" {
		return n.Value, nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kube.Kubeconfig != "" {
		rules.ExplicitPath = kube.Kubeconfig
	}
	ns, _, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: kube.Context}).Namespace()
	if err != nil {
		return "", fmt.Errorf("loading kubeconfig: %w", err)
	}
	return ns, nil
}
