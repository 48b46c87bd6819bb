package detect

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/webhook"
)

// serveOptions are the flags of `landfall detect serve`.
type serveOptions struct {
	*engineOptions
	listen        string
	certFile      string
	keyFile       string
	selfSignedDir string
	hosts         []string
	metricsAddr   string
}

func serveCommand() *cobra.Command {
	o := &serveOptions{engineOptions: newEngineOptions(), listen: ":8443"}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Receive the API server's audit webhook over HTTPS and detect attacks",
		Long: `Receive audit events over HTTPS as the API server's audit webhook sends them
(--audit-webhook-config-file: POSTed audit.k8s.io/v1 EventList batches, on
/audit or /), run every rule on them and print alerts until interrupted; the
per-tactic summary follows on exit.

The serving certificate comes from --tls-cert-file and --tls-key-file, or
is generated once into --self-signed-dir (tls.crt doubles as the CA for
'landfall detect webhook-config --ca-file'). --metrics-addr serves
Prometheus counters per rule on plain HTTP at /metrics.`,
		Example: `  # Serve on :8443 with a generated certificate and metrics on :9090
  landfall detect serve --self-signed-dir /var/lib/landfall/detect --tls-hosts detect.example.com --metrics-addr :9090

  # Then point the API server at it
  landfall detect webhook-config --url https://detect.example.com:8443/audit \
    --ca-file /var/lib/landfall/detect/tls.crt > /etc/kubernetes/audit-webhook.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), streams{in: cmd.InOrStdin(), out: cmd.OutOrStdout(), err: cmd.ErrOrStderr()})
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	o.output.Bind(cmd)
	o.bind(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&o.listen, "listen", o.listen, "`ADDRESS` to serve the webhook on (HTTPS)")
	fs.StringVar(&o.certFile, "tls-cert-file", "", "serving certificate `FILE` (PEM)")
	fs.StringVar(&o.keyFile, "tls-key-file", "", "serving key `FILE` (PEM)")
	fs.StringVar(&o.selfSignedDir, "self-signed-dir", "", "use DIR/tls.crt and DIR/tls.key, generating a self-signed pair there if missing")
	fs.StringSliceVar(&o.hosts, "tls-hosts", []string{"localhost", "127.0.0.1"}, "DNS names and IPs of a generated certificate")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve Prometheus counters per rule on `ADDRESS` (HTTP, /metrics)")
	return cmd
}

// certificate loads or generates the serving certificate.
func (o *serveOptions) certificate() (tls.Certificate, error) {
	switch {
	case o.certFile != "" && o.keyFile != "":
		cert, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return cert, fmt.Errorf("loading serving certificate: %w", err)
		}
		return cert, nil
	case o.selfSignedDir != "":
		cert, _, err := webhook.LoadOrGenerate(o.selfSignedDir, o.hosts)
		return cert, err
	}
	return tls.Certificate{}, errors.New("give --tls-cert-file and --tls-key-file, or --self-signed-dir")
}

func (o *serveOptions) run(ctx context.Context, std streams) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cert, err := o.certificate()
	if err != nil {
		return cliutil.UsageError(err)
	}
	var metrics *detect.Metrics
	p, err := newPipeline(o.engineOptions, std, func(reg *detect.Registry) *detect.Metrics {
		metrics = detect.NewMetrics(reg)
		return metrics
	})
	if err != nil {
		return err
	}
	srv, err := webhook.Listen(o.listen, cert, webhook.NewHandler(p.detector))
	if err != nil {
		return cliutil.UsageError(err)
	}
	errs := make(chan error, 2)
	go func() { errs <- srv.Serve() }()
	fmt.Fprintf(std.err, "receiving audit events on https://%s%s\n", displayAddr(srv.Addr()), webhook.Path)
	var msrv *http.Server
	if o.metricsAddr != "" {
		ln, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			_ = srv.Close()
			return cliutil.UsageError(fmt.Errorf("--metrics-addr: %w", err))
		}
		msrv = &http.Server{Handler: webhook.MetricsHandler(metrics), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := msrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- err
			}
		}()
		fmt.Fprintf(std.err, "serving metrics on http://%s/metrics\n", displayAddr(ln.Addr().String()))
	}
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	_ = srv.Close()
	if msrv != nil {
		_ = msrv.Close()
	}
	if err != nil {
		return fmt.Errorf("serving the audit webhook: %w", err)
	}
	return p.finish(o.engineOptions, std)
}

// displayAddr shows "[::]:8443" as ":8443".
func displayAddr(a string) string {
	return strings.TrimPrefix(strings.TrimPrefix(a, "[::]"), "0.0.0.0")
}
