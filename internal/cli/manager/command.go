package manager

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/landfall-dev/landfall/config/crd"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// options are the flags of landfall manager.
type options struct {
	kubeconfig              string
	context                 string
	metricsAddr             string
	probeAddr               string
	leaderElect             bool
	leaderElectionNamespace string
	maxConcurrent           int
	retryInitial            time.Duration
	retryMax                time.Duration
	postureInterval         time.Duration
	quotaRecount            time.Duration
	debug                   bool
	audit                   auditWebhookOptions
	webhooks                tenancyWebhookOptions
	delivery                deliveryOptions

	// skipNameValidation lets tests run the command more than once in
	// one process: controller names are process-global.
	skipNameValidation bool
}

// BindFlags registers the manager's flags.
func (o *options) BindFlags(fs *pflag.FlagSet) {
	def := controller.DefaultOptions()
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster to run against (default: in-cluster, then $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&o.context, "context", "", "kubeconfig context to use")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080", `address of the metrics endpoint ("0" disables it)`)
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", `address of the /healthz and /readyz endpoints ("0" disables them)`)
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "elect a leader so only one replica reconciles")
	fs.StringVar(&o.leaderElectionNamespace, "leader-election-namespace", fleet.SystemNamespace, "namespace of the leader election lease")
	fs.IntVar(&o.maxConcurrent, "max-concurrent-reconciles", def.MaxConcurrentReconciles, "parallel reconciles per controller (a slow cluster never blocks more than one)")
	fs.DurationVar(&o.retryInitial, "cluster-retry-initial", def.ClusterRetry.Initial, "first retry delay for an unreachable cluster (doubles up to --cluster-retry-max)")
	fs.DurationVar(&o.retryMax, "cluster-retry-max", def.ClusterRetry.Max, "longest retry delay for an unreachable cluster")
	fs.DurationVar(&o.postureInterval, "posture-scan-interval", def.PostureScanInterval, `create the PostureReport "cluster" with this scan interval if there is none ("0" creates none)`)
	fs.DurationVar(&o.quotaRecount, "account-quota-recount-interval", def.QuotaRecountInterval, "how often AccountQuotas are recounted in full; creates and deletes are recounted at once, this picks up deleted Secrets, finished pods and other usage changes that bring no event")
	fs.BoolVar(&o.debug, "debug", false, "log debug messages")
	o.audit.BindFlags(fs)
	o.webhooks.BindFlags(fs)
	o.delivery.BindFlags(fs)
}

// Command returns `landfall manager` with `install`.
func Command() *cobra.Command { return command(&options{}) }

// command returns `landfall manager` running with o.
func command(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "manager",
		Short: "Run the Landfall manager: fleet registry, tenancy controllers and webhooks, posture report, audit receiver",
		Long: `Run the Landfall manager against the cluster of --kubeconfig (or the one it
runs in). It reconciles Cluster objects (probes every registered cluster and
records its version, nodes, zones, API latency and Ready condition) and the
tenancy objects: Accounts, Spaces (namespace, mandatory templates, and only
then the RoleBinding of the account's subjects), TemplateInstances
(server-side apply, prune, drift revert) and AccountQuotas. Install the CRDs
first with 'landfall manager install'.

Tenancy webhooks: the manager serves the admission webhooks that hold
tenants to their account's rules (who may create a Space, space limit and
name rule, protected landfall.dev/* and Pod Security labels, template-owned
objects, account-wide quota) on --webhook-bind-address, and with
--webhook-install (the default) creates the webhook configurations once it
serves, pointing the API server at --webhook-url (default
https://127.0.0.1:PORT, for a local API server) or --webhook-service (a
manager in the cluster). A self-signed certificate is generated into
--webhook-cert-dir if none is there; replicas must share one.

Posture: the manager scans the cluster it runs against with the live checks
of 'landfall scan --cluster' (reading Secrets only with spec.readSecrets)
every spec.interval of the PostureReport "cluster", which
--posture-scan-interval creates if absent, and within spec.minInterval of a
change to namespaces, pods, services, role bindings, network policies or
webhook configurations. The report holds the counts per severity and tactic,
a score and what could not be read ('kubectl get posturereports'); each
namespace with findings gets a PostureFindings "posture" listing them
('kubectl get posturefindings -A'), which the space's tenants may read. The
same numbers are served as landfall_posture_* metrics.

Logs are structured (logfmt) on standard error; metrics and health probes
are served on --metrics-bind-address and --health-probe-bind-address.

Audit webhook: with --audit-webhook-bind-address the manager also receives
the API server's audit events over HTTPS, exactly as 'landfall detect serve'
does (audit.k8s.io/v1 EventList batches POSTed to /audit or /), runs every
detection rule on them with the allow-list and settings of --detect-config,
and writes each alert to the log ("attack detected", with rule, severity,
techniques, user, verb, object and audit ID) and as a Kubernetes Event
(reason AttackDetected, labels landfall.dev/rule and landfall.dev/severity)
next to the object it names, or in --audit-event-namespace (created if
missing) for cluster-scoped objects. Events and logs never hold request
bodies. The serving certificate is DIR/tls.crt and DIR/tls.key of
--audit-webhook-cert-dir, generated self-signed for --audit-webhook-tls-hosts
if missing; tls.crt is then also the CA of the API server's webhook config:

  landfall detect policy > audit-policy.yaml
  landfall detect webhook-config --url https://HOST:8443/audit \
    --ca-file DIR/tls.crt > audit-webhook.yaml
  kube-apiserver --audit-policy-file=audit-policy.yaml \
    --audit-webhook-config-file=audit-webhook.yaml ...

HOST must be reachable from the API server (it does not resolve cluster
DNS unless it runs in the cluster network) and named in the certificate.`,
		Example: `  # Against the local dev cluster (the webhooks listen on 127.0.0.1:9443)
  landfall manager install --kubeconfig "$(landfall dev kubeconfig)"
  landfall manager --kubeconfig "$(landfall dev kubeconfig)" --metrics-bind-address 0 \
    --webhook-bind-address 127.0.0.1:9443

  # In a Deployment with two replicas
  landfall manager --leader-elect

  # Also turn the API server's audit events into Kubernetes Events
  landfall manager --audit-webhook-bind-address :8443 --audit-webhook-cert-dir /var/lib/landfall/audit \
    --audit-webhook-tls-hosts landfall.example.com --detect-config detect.yaml
  landfall detect webhook-config --url https://landfall.example.com:8443/audit \
    --ca-file /var/lib/landfall/audit/tls.crt > /etc/kubernetes/audit-webhook.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), cmd.ErrOrStderr())
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	o.BindFlags(cmd.Flags())
	cmd.AddCommand(installCommand())
	return cmd
}

// Scheme returns the scheme of every type the manager handles.
func Scheme() (*runtime.Scheme, error) { return cliutil.Scheme() }

func (o *options) run(ctx context.Context, stderr io.Writer) error {
	if o.postureInterval < 0 {
		return cliutil.UsageError(fmt.Errorf("--posture-scan-interval: must be 0 or more, got %s", o.postureInterval))
	}
	if o.quotaRecount < time.Second {
		return cliutil.UsageError(fmt.Errorf("--account-quota-recount-interval: must be at least 1s, got %s", o.quotaRecount))
	}
	level := slog.LevelInfo
	if o.debug {
		level = slog.LevelDebug
	}
	log := logr.FromSlogHandler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	ctrl.SetLogger(log)

	cfg, err := restConfig(o.kubeconfig, o.context)
	if err != nil {
		return err
	}
	scheme, err := Scheme()
	if err != nil {
		return err
	}
	cacheOpts, err := controller.CacheOptions()
	if err != nil {
		return err
	}
	mopts := ctrl.Options{
		Scheme:                  scheme,
		Logger:                  log,
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.probeAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        "landfall-manager.landfall.dev",
		LeaderElectionNamespace: o.leaderElectionNamespace,
		Cache:                   cacheOpts,
	}
	if o.skipNameValidation {
		mopts.Controller.SkipNameValidation = ptr.To(true)
	}
	var webhookCA []byte
	if o.webhooks.enabled() {
		if mopts.WebhookServer, webhookCA, err = o.webhooks.server(); err != nil {
			return err
		}
	} else {
		log.Info("tenancy webhooks are off: tenants are not held to their accounts' rules", "flag", "--webhook-bind-address")
	}
	mgr, err := ctrl.NewManager(cfg, mopts)
	if err != nil {
		return fmt.Errorf("creating manager: %w", err)
	}
	if err := controller.Setup(mgr, controller.Options{
		MaxConcurrentReconciles: o.maxConcurrent,
		ClusterRetry:            controller.Backoff{Initial: o.retryInitial, Max: o.retryMax},
		PostureScanInterval:     o.postureInterval,
		QuotaRecountInterval:    o.quotaRecount,
		Delivery:                o.delivery.options(),
	}); err != nil {
		return err
	}
	if o.webhooks.enabled() {
		if err := o.webhooks.addTo(mgr, webhookCA, log.WithName("webhooks")); err != nil {
			return err
		}
	}
	if _, err := o.audit.addTo(mgr, log); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("adding health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("adding ready check: %w", err)
	}
	log.Info("starting manager", "leaderElection", o.leaderElect, "metrics", o.metricsAddr, "probes", o.probeAddr,
		"webhooks", o.webhooks.bindAddress, "auditWebhook", o.audit.bindAddress)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("running manager: %w", err)
	}
	return nil
}

// restConfig is the kubeconfig's configuration when a path or context is
// given, otherwise controller-runtime's lookup (in-cluster first), with
// the manager's client settings (ClientDefaults).
func restConfig(kubeconfig, context string) (cfg *rest.Config, err error) {
	if kubeconfig == "" && context == "" {
		cfg, err = ctrl.GetConfig()
		if err != nil {
			return nil, fmt.Errorf("loading client configuration: %w", err)
		}
		return ClientDefaults(cfg), nil
	}
	if cfg, err = fleet.ClientConfig(kubeconfig, context); err != nil {
		return nil, err
	}
	return ClientDefaults(cfg), nil
}

// ClientDefaults sets the manager's client settings on cfg:
//
//   - No client-side rate limit (QPS -1), unless cfg sets one, leaving the
//     API server's Priority and Fairness to protect it, as
//     controller-runtime's GetConfig does. A kubeconfig loaded by client-go
//     has no rate, which client-go would turn into 5 requests per second
//     (burst 10): creating 1,000 spaces takes about 11 writes each, so
//     that alone would hold the manager to about 40 minutes.
//   - No response compression. The informers read their lists and watches
//     as watch-list streams, which the API server gzips event by event
//     when the client accepts it: API-server CPU spent on every event to
//     save bandwidth between the manager and its own control plane.
//
// hack/bench-tenancy runs its manager and its clients through this too.
func ClientDefaults(cfg *rest.Config) *rest.Config {
	if cfg.QPS == 0 && cfg.RateLimiter == nil {
		cfg.QPS = -1
	}
	cfg.DisableCompression = true
	return cfg
}

func installCommand() *cobra.Command {
	var kubeconfig, kubecontext string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Install or update the Landfall CRDs on a cluster",
		Long: `Create or update the CustomResourceDefinitions of landfall.dev (embedded from
config/crd/bases) and wait until they are established. Equivalent to
'kubectl apply -k config/crd'.`,
		Example: `  landfall manager install --kubeconfig "$(landfall dev kubeconfig)"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := restConfig(kubeconfig, kubecontext)
			if err != nil {
				return err
			}
			names, err := crd.Install(cmd.Context(), cfg, timeout)
			if err != nil {
				return err
			}
			for _, n := range names {
				fmt.Fprintf(cmd.OutOrStdout(), "customresourcedefinition %s installed\n", n)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (default $KUBECONFIG or ~/.kube/config)")
	cmd.Flags().StringVar(&kubecontext, "context", "", "kubeconfig context to use")
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "how long to wait for the CRDs to be established")
	return cmd
}
