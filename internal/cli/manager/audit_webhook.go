package manager

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/rules"
	"github.com/landfall-dev/landfall/internal/detect/webhook"
	"github.com/landfall-dev/landfall/internal/fleet"
)

// auditWebhookOptions are the flags of the manager's audit webhook
// receiver; an empty bind address turns it off.
type auditWebhookOptions struct {
	bindAddress    string
	certDir        string
	hosts          []string
	detectConfig   string
	eventNamespace string
}

// defaultAuditCertDir is where a self-signed pair is kept unless
// --audit-webhook-cert-dir says otherwise.
func defaultAuditCertDir() string {
	return filepath.Join(os.TempDir(), "landfall-audit-webhook", "serving-certs")
}

// BindFlags registers the receiver's flags.
func (o *auditWebhookOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.bindAddress, "audit-webhook-bind-address", "", `address of the audit webhook receiver (HTTPS), for example ":9443"; empty turns it off`)
	fs.StringVar(&o.certDir, "audit-webhook-cert-dir", defaultAuditCertDir(), "`DIR` holding the receiver's tls.crt and tls.key; a self-signed pair is generated there if missing")
	fs.StringSliceVar(&o.hosts, "audit-webhook-tls-hosts", []string{"localhost", "127.0.0.1"}, "DNS names and IPs of a generated certificate")
	fs.StringVar(&o.detectConfig, "detect-config", "", "allow-list and rule settings `FILE` of the detection rules (YAML, as for 'landfall detect --config')")
	fs.StringVar(&o.eventNamespace, "audit-event-namespace", fleet.SystemNamespace, "namespace of the Events of alerts on cluster-scoped objects (created if missing); other Events go next to their object")
}

// enabled reports whether the receiver runs.
func (o *auditWebhookOptions) enabled() bool { return o.bindAddress != "" }

// addTo builds the receiver and adds it to mgr; a no-op when disabled.
func (o *auditWebhookOptions) addTo(mgr ctrl.Manager, log logr.Logger) (*controller.AuditReceiver, error) {
	if !o.enabled() {
		return nil, nil
	}
	opts, err := o.receiverOptions()
	if err != nil {
		return nil, err
	}
	recv, err := controller.NewAuditReceiver(mgr.GetClient(), log.WithName(controller.AuditReceiverName), opts)
	if err != nil {
		return nil, cliutil.UsageError(fmt.Errorf("--audit-webhook-bind-address: %w", err))
	}
	if err := mgr.Add(recv); err != nil {
		return nil, fmt.Errorf("adding audit webhook receiver: %w", err)
	}
	return recv, nil
}

// receiverOptions loads the certificate, the rules and the config.
func (o *auditWebhookOptions) receiverOptions() (controller.AuditReceiverOptions, error) {
	var opts controller.AuditReceiverOptions
	cert, _, err := webhook.LoadOrGenerate(o.certDir, o.hosts)
	if err != nil {
		return opts, fmt.Errorf("--audit-webhook-cert-dir: %w", err)
	}
	reg, err := rules.Registry()
	if err != nil {
		return opts, err
	}
	var cfg *detect.Config
	if o.detectConfig != "" {
		if cfg, err = detect.LoadConfig(o.detectConfig); err != nil {
			return opts, cliutil.UsageError(fmt.Errorf("--detect-config: %w", err))
		}
		if err := cfg.Validate(reg.IDs()); err != nil {
			return opts, cliutil.UsageError(fmt.Errorf("--detect-config: %w", err))
		}
	}
	instance, err := os.Hostname()
	if err != nil {
		instance = "landfall-manager"
	}
	if v := os.Getenv("POD_NAME"); v != "" {
		instance = v
	}
	return controller.AuditReceiverOptions{
		Addr:      o.bindAddress,
		Cert:      cert,
		Registry:  reg,
		Config:    cfg,
		Namespace: o.eventNamespace,
		Instance:  instance,
	}, nil
}
