package localcluster

import (
	"fmt"
	"os"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// contextName is the context name in every kubeconfig the cluster writes.
const contextName = "landfall-local"

// writeKubeconfig writes a kubeconfig for server with a client certificate,
// mode 0600. The certificate and key are embedded, as kind does, so the file
// works on its own.
func writeKubeconfig(path, server, caFile, certFile, keyFile, user string) error {
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return fmt.Errorf("reading CA: %w", err)
	}
	cert, err := os.ReadFile(certFile)
	if err != nil {
		return fmt.Errorf("reading client certificate: %w", err)
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("reading client key: %w", err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[contextName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: cert, ClientKeyData: key}
	cfg.Contexts[contextName] = &clientcmdapi.Context{Cluster: contextName, AuthInfo: user, Namespace: "default"}
	cfg.CurrentContext = contextName
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return fmt.Errorf("encoding kubeconfig for %s: %w", user, err)
	}
	return writeFileAtomic(path, data, 0o600)
}

// writeWebhookKubeconfig writes the kubeconfig-format file that
// --audit-webhook-config-file takes.
func writeWebhookKubeconfig(path string, hook AuditWebhook) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["audit-webhook"] = &clientcmdapi.Cluster{
		Server:                   hook.URL,
		CertificateAuthorityData: hook.CAData,
		InsecureSkipTLSVerify:    hook.InsecureSkipTLSVerify,
	}
	cfg.AuthInfos["kube-apiserver"] = &clientcmdapi.AuthInfo{}
	cfg.Contexts["audit-webhook"] = &clientcmdapi.Context{Cluster: "audit-webhook", AuthInfo: "kube-apiserver"}
	cfg.CurrentContext = "audit-webhook"
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return fmt.Errorf("encoding audit webhook config: %w", err)
	}
	return writeFileAtomic(path, data, 0o600)
}

// restConfigFromFile loads a kubeconfig into a client configuration.
func restConfigFromFile(path string) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig %s: %w", path, err)
	}
	return cfg, nil
}
