package webhooktest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/config/crd"
	"github.com/landfall-dev/landfall/config/rbac"
	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/tenancy"
	"github.com/landfall-dev/landfall/internal/webhook"
)

// fieldManager applies what a platform admin installs.
const fieldManager = "landfall-install"

// Options configure a Manager.
type Options struct {
	// Admin is a cluster-admin configuration: it installs the CRDs, the
	// RBAC of config/rbac, the webhook configurations and the baseline
	// template, as a platform admin does. The manager never uses it
	// unless AsAdmin is set.
	Admin *rest.Config
	// AsAdmin runs the manager with Admin instead of its ServiceAccount.
	AsAdmin bool
	// MetricsAddr is the metrics endpoint; empty disables it.
	MetricsAddr string
	// MaxConcurrentReconciles per controller; 0 means 4.
	MaxConcurrentReconciles int
	// TokenTTL is the lifetime of the ServiceAccount token; 0 means 2h.
	TokenTTL time.Duration
	// CertDir is where the webhook serving certificate is written
	// (required). Tests pass testenv's Env.Dir, which goes with the
	// control plane.
	CertDir string
}

// QuotaRecountInterval is the harness manager's full recount of
// AccountQuotas: short, so a test sees a deleted Secret or a finished pod
// give its quota back within seconds.
const QuotaRecountInterval = 2 * time.Second

// Manager is a restartable in-process tenancy manager.
type Manager struct {
	opts Options
	cfg  *rest.Config
	port int
	ca   []byte

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan error
}

// Scheme returns the scheme of every type the tenancy manager handles.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(fmt.Sprintf("adding client-go types: %v", err))
	}
	if err := landfallv1alpha1.AddToScheme(s); err != nil {
		panic(fmt.Sprintf("adding landfall types: %v", err))
	}
	return s
}

// New installs what a platform admin installs (CRDs, the manager's
// namespace, ServiceAccount and RBAC, the space roles, the webhook
// configurations pointing at a local port, the baseline template) and
// returns a Manager that is not started yet.
func New(ctx context.Context, opts Options) (*Manager, error) {
	if opts.MaxConcurrentReconciles == 0 {
		opts.MaxConcurrentReconciles = 4
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 2 * time.Hour
	}
	if opts.CertDir == "" {
		return nil, errors.New("webhooktest: Options.CertDir is required")
	}
	if _, err := crd.Install(ctx, opts.Admin, time.Minute); err != nil {
		return nil, fmt.Errorf("installing CRDs: %w", err)
	}
	admin, err := client.New(opts.Admin, client.Options{Scheme: Scheme()})
	if err != nil {
		return nil, fmt.Errorf("creating admin client: %w", err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: rbac.Namespace}}
	if err := admin.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("creating namespace %s: %w", rbac.Namespace, err)
	}
	if err := rbac.Apply(ctx, admin, fieldManager); err != nil {
		return nil, fmt.Errorf("installing RBAC: %w", err)
	}
	m := &Manager{opts: opts, cfg: rest.CopyConfig(opts.Admin)}
	if !opts.AsAdmin {
		if m.cfg, err = serviceAccountConfig(ctx, opts.Admin, opts.TokenTTL); err != nil {
			return nil, err
		}
	}
	if m.port, err = localcluster.FreePort(); err != nil {
		return nil, err
	}
	if m.ca, err = webhook.GenerateCertificate(opts.CertDir, "127.0.0.1"); err != nil {
		return nil, fmt.Errorf("generating webhook certificate: %w", err)
	}
	if err := webhook.Install(ctx, admin, webhook.URLClientConfig(m.URL(), m.ca)); err != nil {
		return nil, fmt.Errorf("installing webhook configurations: %w", err)
	}
	if err := admin.Create(ctx, tenancy.Baseline()); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("creating baseline template: %w", err)
	}
	return m, nil
}

// serviceAccountConfig returns a configuration that authenticates as the
// manager's ServiceAccount with a token from the TokenRequest API.
func serviceAccountConfig(ctx context.Context, admin *rest.Config, ttl time.Duration) (*rest.Config, error) {
	cs, err := kubernetes.NewForConfig(admin)
	if err != nil {
		return nil, fmt.Errorf("creating clientset: %w", err)
	}
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To(int64(ttl.Seconds()))}}
	tok, err := cs.CoreV1().ServiceAccounts(rbac.Namespace).CreateToken(ctx, rbac.ServiceAccount, req, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("requesting a token for %s: %w", rbac.ServiceAccountUser, err)
	}
	cfg := rest.AnonymousClientConfig(admin)
	cfg.BearerToken = tok.Status.Token
	cfg.QPS, cfg.Burst = admin.QPS, admin.Burst
	return cfg, nil
}

// Config returns the configuration the manager runs with.
func (m *Manager) Config() *rest.Config { return rest.CopyConfig(m.cfg) }

// URL is the base URL of the webhook server.
func (m *Manager) URL() string { return "https://127.0.0.1:" + strconv.Itoa(m.port) }

// Identities are the webhook exemptions: the defaults plus the manager's
// own ServiceAccount, as `landfall manager` configures them.
func Identities() webhook.Identities { return webhook.ManagerIdentities() }

// Start runs a new manager and returns once its webhook server accepts
// connections. It is an error to start a running Manager.
func (m *Manager) Start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cancel != nil {
		return errors.New("manager already running")
	}
	mgr, err := NewControllerManager(m.cfg, m.port, m.opts.CertDir, m.opts.MetricsAddr, m.opts.MaxConcurrentReconciles)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	if err := m.waitServing(ctx, done); err != nil {
		cancel()
		select {
		case startErr := <-done:
			return errors.Join(err, startErr)
		case <-time.After(30 * time.Second):
		}
		return err
	}
	m.cancel, m.done = cancel, done
	return nil
}

// NewControllerManager returns a controller-runtime manager with the
// tenancy reconcilers and webhooks, as `landfall manager` sets them up,
// serving webhooks on 127.0.0.1:port with the certificate in certDir and
// metrics on metricsAddr (empty disables them). Start runs one in-process;
// a benchmark runs one in a child process.
func NewControllerManager(cfg *rest.Config, port int, certDir, metricsAddr string, maxConcurrent int) (ctrl.Manager, error) {
	if metricsAddr == "" {
		metricsAddr = "0"
	}
	cacheOpts, err := controller.CacheOptions()
	if err != nil {
		return nil, err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 Scheme(),
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: "0",
		Cache:                  cacheOpts,
		WebhookServer:          ctrlwebhook.NewServer(ctrlwebhook.Options{Host: "127.0.0.1", Port: port, CertDir: certDir}),
		// A restarted manager registers the same controller names again.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, fmt.Errorf("creating manager: %w", err)
	}
	if err := controller.SetupTenancy(mgr, controller.TenancyOptions{MaxConcurrentReconciles: max(1, maxConcurrent), QuotaRecountInterval: QuotaRecountInterval}); err != nil {
		return nil, fmt.Errorf("setting up tenancy controllers: %w", err)
	}
	webhook.Setup(mgr, webhook.Options{Identities: Identities()})
	return mgr, nil
}

// Port is the webhook server's port.
func (m *Manager) Port() int { return m.port }

// CertDir holds the webhook server's certificate and key.
func (m *Manager) CertDir() string { return m.opts.CertDir }

// WaitServing waits until a webhook server, in this process or another,
// serves on the Manager's port with its certificate.
func (m *Manager) WaitServing(ctx context.Context) error { return m.waitServing(ctx, nil) }

// Stop cancels the manager and waits until it has stopped, so nothing of
// it runs after Stop returns. Stopping a stopped Manager does nothing.
func (m *Manager) Stop() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cancel == nil {
		return nil
	}
	m.cancel()
	err := <-m.done
	m.cancel, m.done = nil, nil
	if err != nil {
		return fmt.Errorf("stopping manager: %w", err)
	}
	return nil
}

// Running reports whether the manager is started.
func (m *Manager) Running() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cancel != nil
}

// waitServing waits until the webhook server completes a TLS handshake
// with the manager's certificate, or the manager fails.
func (m *Manager) waitServing(ctx context.Context, done <-chan error) error {
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(m.ca)
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: time.Second}, Config: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(m.port))
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			if err == nil {
				err = errors.New("no error")
			}
			return fmt.Errorf("manager stopped while starting: %w", err)
		default:
		}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("webhook server on %s did not start", addr)
}

// CreateAccount creates an Account whose subjects are the given groups,
// with the baseline template mandatory, and waits until its per-account
// RBAC exists, so its subjects may create Spaces.
func CreateAccount(ctx context.Context, c client.Client, name string, groups ...string) (*landfallv1alpha1.Account, error) {
	a := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: name}}
	for _, g := range groups {
		a.Spec.Subjects = append(a.Spec.Subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: g})
	}
	a.Spec.Space.Templates = []landfallv1alpha1.TemplateReference{{Name: tenancy.BaselineTemplateName}}
	if err := c.Create(ctx, a); err != nil {
		return nil, fmt.Errorf("creating account %s: %w", name, err)
	}
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		err := c.Get(ctx, client.ObjectKey{Name: controller.AccountRoleName(name)}, &rbacv1.ClusterRoleBinding{})
		return err == nil, client.IgnoreNotFound(err)
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for the RBAC of account %s: %w", name, err)
	}
	return a, nil
}
