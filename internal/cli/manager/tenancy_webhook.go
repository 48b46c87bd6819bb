package manager

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	certs "github.com/landfall-dev/landfall/internal/detect/webhook"
	"github.com/landfall-dev/landfall/internal/webhook"
)

// tenancyWebhookOptions are the flags of the tenancy admission webhooks
// (Space, namespace labels, template objects, account quotas).
type tenancyWebhookOptions struct {
	bindAddress string
	certDir     string
	hosts       []string
	url         string
	service     string
	install     bool
}

// defaultWebhookCertDir is where a self-signed pair is kept unless
// --webhook-cert-dir says otherwise.
func defaultWebhookCertDir() string {
	return filepath.Join(os.TempDir(), "landfall-webhook", "serving-certs")
}

// BindFlags registers the webhook flags.
func (o *tenancyWebhookOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.bindAddress, "webhook-bind-address", ":9443", `address of the tenancy admission webhooks (HTTPS); "0" turns them off, leaving tenants without guard-rails`)
	fs.StringVar(&o.certDir, "webhook-cert-dir", defaultWebhookCertDir(), "`DIR` holding the webhooks' tls.crt and tls.key; a self-signed pair is generated there if missing (give every replica the same pair)")
	fs.StringSliceVar(&o.hosts, "webhook-tls-hosts", []string{"localhost", "127.0.0.1"}, "DNS names and IPs of a generated webhook certificate")
	fs.StringVar(&o.url, "webhook-url", "", "base `URL` the API server calls the webhooks on (default https://127.0.0.1:PORT, for a manager next to a local API server)")
	fs.StringVar(&o.service, "webhook-service", "", "`NAMESPACE/NAME[:PORT]` of the Service in front of the manager, for a manager running in the cluster (instead of --webhook-url)")
	fs.BoolVar(&o.install, "webhook-install", true, "create or update the webhook configurations with this manager's address and CA at start")
}

// enabled reports whether the webhooks run.
func (o *tenancyWebhookOptions) enabled() bool { return o.bindAddress != "0" && o.bindAddress != "" }

// server returns the webhook server for the manager's options, loading or
// generating the certificate, and the CA bundle of the configurations.
func (o *tenancyWebhookOptions) server() (ctrlwebhook.Server, []byte, error) {
	host, portStr, err := net.SplitHostPort(o.bindAddress)
	if err != nil {
		return nil, nil, cliutil.UsageError(fmt.Errorf("--webhook-bind-address %q: %w", o.bindAddress, err))
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return nil, nil, cliutil.UsageError(fmt.Errorf("--webhook-bind-address %q: bad port", o.bindAddress))
	}
	_, caPEM, err := certs.LoadOrGenerate(o.certDir, o.hosts)
	if err != nil {
		return nil, nil, fmt.Errorf("--webhook-cert-dir: %w", err)
	}
	srv := ctrlwebhook.NewServer(ctrlwebhook.Options{Host: host, Port: port, CertDir: o.certDir})
	return srv, caPEM, nil
}

// clientConfig is how the API server reaches the webhooks.
func (o *tenancyWebhookOptions) clientConfig(caPEM []byte) (webhook.ClientConfigFunc, error) {
	if o.service != "" {
		if o.url != "" {
			return nil, cliutil.UsageError(errors.New("--webhook-url and --webhook-service exclude each other"))
		}
		ref, portStr, hasPort := strings.Cut(o.service, ":")
		ns, name, ok := strings.Cut(ref, "/")
		port := 443
		if hasPort {
			p, err := strconv.Atoi(portStr)
			if err != nil {
				return nil, cliutil.UsageError(fmt.Errorf("--webhook-service %q: bad port", o.service))
			}
			port = p
		}
		if !ok || ns == "" || name == "" {
			return nil, cliutil.UsageError(fmt.Errorf("--webhook-service %q: want NAMESPACE/NAME[:PORT]", o.service))
		}
		return webhook.ServiceClientConfig(ns, name, int32(port), caPEM), nil
	}
	base := o.url
	if base == "" {
		_, port, _ := net.SplitHostPort(o.bindAddress)
		base = "https://127.0.0.1:" + port
	}
	return webhook.URLClientConfig(strings.TrimSuffix(base, "/"), caPEM), nil
}

// addTo registers the handlers and, with --webhook-install, a runnable
// that installs the configurations once the server serves, so the API
// server never calls a webhook that is not there yet.
func (o *tenancyWebhookOptions) addTo(mgr ctrl.Manager, caPEM []byte, log logr.Logger) error {
	webhook.Setup(mgr, webhook.Options{Identities: webhook.ManagerIdentities()})
	srv := mgr.GetWebhookServer()
	if err := mgr.AddReadyzCheck("webhooks", srv.StartedChecker()); err != nil {
		return fmt.Errorf("adding webhook ready check: %w", err)
	}
	if !o.install {
		return nil
	}
	cc, err := o.clientConfig(caPEM)
	if err != nil {
		return err
	}
	return mgr.Add(&webhookInstaller{started: srv.StartedChecker(), install: func(ctx context.Context) error {
		return webhook.Install(ctx, mgr.GetClient(), cc)
	}, log: log})
}

// webhookInstaller installs the webhook configurations after the webhook
// server has started. It runs on every replica (the configurations are
// the same for all) and needs no leader.
type webhookInstaller struct {
	started healthz.Checker
	install func(context.Context) error
	log     logr.Logger
}

// NeedLeaderElection implements manager.LeaderElectionRunnable.
func (w *webhookInstaller) NeedLeaderElection() bool { return false }

// Start implements manager.Runnable.
func (w *webhookInstaller) Start(ctx context.Context) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for w.started(&http.Request{}) != nil {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
	if err := w.install(ctx); err != nil {
		return fmt.Errorf("installing webhook configurations: %w", err)
	}
	w.log.Info("webhook configurations installed")
	<-ctx.Done()
	return nil
}
