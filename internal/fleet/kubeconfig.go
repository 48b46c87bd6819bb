package fleet

import (
	"errors"
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ErrUnsafeKubeconfig is returned for kubeconfigs the manager refuses:
// exec or auth-provider plugins (a Secret must never make the manager run a
// program) and references to files (or read its own files).
var ErrUnsafeKubeconfig = errors.New("unsafe kubeconfig")

// PrepareKubeconfig reads the kubeconfig at path (empty: the default
// loading rules, $KUBECONFIG then ~/.kube/config), keeps only context
// (empty: the current one), inlines the certificates and keys it refers to
// and returns it encoded, ready to be stored in a Secret. The result is
// checked with the same rules as RESTConfigFromKubeconfig.
func PrepareKubeconfig(path, context string) ([]byte, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if path != "" {
		rules.ExplicitPath = path
	}
	cfg, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	if context != "" {
		if _, ok := cfg.Contexts[context]; !ok {
			return nil, fmt.Errorf("kubeconfig has no context %q", context)
		}
		cfg.CurrentContext = context
	}
	if cfg.CurrentContext == "" {
		return nil, errors.New("kubeconfig has no current context; pass one")
	}
	if err := clientcmdapi.MinifyConfig(cfg); err != nil {
		return nil, fmt.Errorf("selecting context: %w", err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		return nil, fmt.Errorf("inlining kubeconfig files: %w", err)
	}
	if err := checkSafe(cfg); err != nil {
		return nil, err
	}
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return nil, fmt.Errorf("encoding kubeconfig: %w", err)
	}
	return data, nil
}

// RESTConfigFromKubeconfig builds a client configuration from kubeconfig
// data (its current context). Unsafe kubeconfigs are refused with
// ErrUnsafeKubeconfig; errors never include the credentials.
func RESTConfigFromKubeconfig(data []byte) (*rest.Config, error) {
	cfg, err := clientcmd.Load(data)
	if err != nil {
		// The decoder's message can quote the input: do not wrap it.
		return nil, errors.New("parsing kubeconfig: not a valid kubeconfig")
	}
	if err := checkSafe(cfg); err != nil {
		return nil, err
	}
	rc, err := clientcmd.NewNonInteractiveClientConfig(*cfg, cfg.CurrentContext, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("building client configuration: %w", err)
	}
	return rc, nil
}

// checkSafe refuses plugins and file references in the current context.
func checkSafe(cfg *clientcmdapi.Config) error {
	ctx, ok := cfg.Contexts[cfg.CurrentContext]
	if !ok {
		return fmt.Errorf("kubeconfig: current context %q not found", cfg.CurrentContext)
	}
	cluster, ok := cfg.Clusters[ctx.Cluster]
	if !ok || cluster.Server == "" {
		return fmt.Errorf("kubeconfig: context %q has no cluster server", cfg.CurrentContext)
	}
	if cluster.CertificateAuthority != "" {
		return fmt.Errorf("%w: cluster %q refers to a CA file; embed it (certificate-authority-data)", ErrUnsafeKubeconfig, ctx.Cluster)
	}
	user, ok := cfg.AuthInfos[ctx.AuthInfo]
	if !ok {
		return nil // anonymous
	}
	switch {
	case user.Exec != nil:
		return fmt.Errorf("%w: user %q uses an exec plugin, which the manager does not run", ErrUnsafeKubeconfig, ctx.AuthInfo)
	case user.AuthProvider != nil:
		return fmt.Errorf("%w: user %q uses an auth-provider plugin, which the manager does not run", ErrUnsafeKubeconfig, ctx.AuthInfo)
	case user.ClientCertificate != "" || user.ClientKey != "" || user.TokenFile != "":
		return fmt.Errorf("%w: user %q refers to files; embed the data", ErrUnsafeKubeconfig, ctx.AuthInfo)
	}
	return nil
}

// ClientConfig returns the client configuration of a kubeconfig as kubectl
// loads it: path, or $KUBECONFIG and ~/.kube/config when empty; context, or
// the current one when empty.
func ClientConfig(path, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if path != "" {
		rules.ExplicitPath = path
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	return cfg, nil
}
