package localcluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/rest"

	"github.com/landfall-dev/landfall/internal/version"
)

// Cluster is a running local control plane.
type Cluster struct {
	opts      Options
	dir       string
	tempDir   bool
	bins      Binaries
	pki       *pki
	ports     Ports
	server    string
	startedAt time.Time
	admin     *rest.Config

	mu         sync.Mutex
	components []*component
	stopOnce   sync.Once
	stopErr    error
}

// Ports are the loopback ports the components listen on.
type Ports struct {
	EtcdClient        int `json:"etcdClient"`
	EtcdPeer          int `json:"etcdPeer"`
	APIServer         int `json:"apiServer"`
	ControllerManager int `json:"controllerManager"`
	Scheduler         int `json:"scheduler"`
	KWOK              int `json:"kwok,omitempty"`
}

// Layout of the data directory.
const (
	pkiDir       = "pki"
	logDir       = "logs"
	etcdDir      = "etcd"
	kubeconfDir  = "kubeconfig"
	auditLogFile = "audit/audit.log"
	stateFile    = "state.json"
	portsFile    = "ports.json"
)

// Start brings up a local cluster and returns when the API server is ready,
// the controller-manager and scheduler are healthy and the simulated nodes
// (if any) are Ready. On any failure it stops what it started and returns a
// *ComponentError naming the component that failed, with the tail of its
// log. Cancelling ctx aborts the start.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("invalid local cluster options: %w", err)
	}
	bins, err := FindBinaries(opts.BinDir, opts.Nodes > 0)
	if err != nil {
		return nil, err
	}
	c = &Cluster{opts: opts, bins: bins, dir: opts.Dir}
	if c.dir == "" {
		c.dir, err = os.MkdirTemp("", "landfall-cluster-")
		if err != nil {
			return nil, fmt.Errorf("creating data directory: %w", err)
		}
		c.tempDir = true
	}
	if c.dir, err = filepath.Abs(c.dir); err != nil {
		return nil, fmt.Errorf("resolving data directory: %w", err)
	}
	defer func() {
		if err != nil {
			_ = c.Stop()
			c = nil
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, opts.startTimeout())
	defer cancel()

	if err := c.prepare(); err != nil {
		return c, err
	}
	c.startedAt = time.Now()
	if err := c.startEtcd(ctx); err != nil {
		return c, err
	}
	if err := c.startAPIServer(ctx); err != nil {
		return c, err
	}
	if err := c.startControllers(ctx); err != nil {
		return c, err
	}
	if err := c.bootstrap(ctx); err != nil {
		return c, err
	}
	if err := c.writeState(); err != nil {
		return c, err
	}
	return c, nil
}

// prepare lays out the data directory: PKI, kubeconfigs, audit policy.
func (c *Cluster) prepare() error {
	for _, d := range []string{pkiDir, logDir, etcdDir, kubeconfDir, filepath.Dir(auditLogFile), "certs"} {
		if err := os.MkdirAll(c.path(d), 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", d, err)
		}
	}
	p, err := loadOrCreatePKI(c.path(pkiDir))
	if err != nil {
		return err
	}
	c.pki = p
	if err := c.allocatePorts(); err != nil {
		return err
	}
	c.server = "https://127.0.0.1:" + strconv.Itoa(c.ports.APIServer)
	if _, _, err := p.serving("apiserver",
		[]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		[]net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP("10.0.0.1")}); err != nil {
		return err
	}
	if _, _, err := p.serviceAccountKey(); err != nil {
		return err
	}
	clients := []struct {
		file, user string
		groups     []string
	}{
		{"admin", "landfall:admin", []string{"system:masters"}},
		{KubeControllerManager, "system:kube-controller-manager", nil},
		{KubeScheduler, "system:kube-scheduler", nil},
		{KWOK, "landfall:kwok", []string{"system:masters"}},
	}
	for _, u := range c.opts.Users {
		clients = append(clients, struct {
			file, user string
			groups     []string
		}{"user-" + u.Name, u.Name, u.Groups})
	}
	for _, cl := range clients {
		cert, key, err := p.client(cl.file, cl.user, cl.groups)
		if err != nil {
			return err
		}
		if err := writeKubeconfig(c.kubeconfig(strings.TrimPrefix(cl.file, "user-")), c.server, p.CAFile(), cert, key, cl.user); err != nil {
			return err
		}
	}
	if err := writeFileAtomic(c.path("audit/policy.yaml"), c.opts.auditPolicy(), 0o600); err != nil {
		return err
	}
	if c.opts.AuditWebhook != nil {
		if err := writeWebhookKubeconfig(c.path("audit/webhook.kubeconfig"), *c.opts.AuditWebhook); err != nil {
			return err
		}
	}
	admin, err := restConfigFromFile(c.kubeconfig("admin"))
	if err != nil {
		return err
	}
	c.admin = admin
	return nil
}

// allocatePorts picks free loopback ports, reusing the ports of a previous
// run in the same directory where they are still free (etcd remembers its
// peer URL).
func (c *Cluster) allocatePorts() error {
	var prev Ports
	if data, err := os.ReadFile(c.path(portsFile)); err == nil {
		_ = json.Unmarshal(data, &prev) // a bad file only loses the reuse
	}
	pick := func(want int) (int, error) {
		if want > 0 {
			if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(want))); err == nil {
				_ = l.Close()
				return want, nil
			}
		}
		return FreePort()
	}
	var err error
	fields := []struct {
		dst  *int
		prev int
	}{
		{&c.ports.EtcdClient, prev.EtcdClient},
		{&c.ports.EtcdPeer, prev.EtcdPeer},
		{&c.ports.APIServer, prev.APIServer},
		{&c.ports.ControllerManager, prev.ControllerManager},
		{&c.ports.Scheduler, prev.Scheduler},
		{&c.ports.KWOK, prev.KWOK},
	}
	taken := map[int]bool{}
	for _, f := range fields {
		for range 10 {
			if *f.dst, err = pick(f.prev); err != nil {
				return fmt.Errorf("allocating ports: %w", err)
			}
			if !taken[*f.dst] {
				break
			}
			f.prev = 0
		}
		taken[*f.dst] = true
	}
	if c.opts.Nodes == 0 {
		c.ports.KWOK = 0
	}
	data, err := json.Marshal(c.ports)
	if err != nil {
		return fmt.Errorf("encoding ports: %w", err)
	}
	return writeFileAtomic(c.path(portsFile), data, 0o600)
}

func (c *Cluster) path(elem ...string) string {
	return filepath.Join(append([]string{c.dir}, elem...)...)
}

func (c *Cluster) kubeconfig(name string) string {
	return c.path(kubeconfDir, name+".kubeconfig")
}

// start launches one component and records it for Stop.
func (c *Cluster) start(name, bin string, args []string, env []string, port int) (*component, error) {
	comp, err := startComponent(name, bin, args, env, c.path(logDir), port)
	if err != nil {
		return nil, &ComponentError{Component: name, Err: err}
	}
	c.mu.Lock()
	c.components = append(c.components, comp)
	c.mu.Unlock()
	return comp, nil
}

// Stop ends every component (KWOK, scheduler and controller-manager first,
// then the API server, then etcd), escalating to SIGKILL after the stop
// timeout, and removes a temporary data directory. It is safe to call more
// than once and on a partly started cluster.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		comps := append([]*component(nil), c.components...)
		c.mu.Unlock()
		byName := map[string]*component{}
		for _, comp := range comps {
			byName[comp.name] = comp
		}
		timeout := c.opts.stopTimeout()
		var wg sync.WaitGroup
		for _, n := range []string{KWOK, KubeScheduler, KubeControllerManager} {
			if comp := byName[n]; comp != nil {
				wg.Go(func() { comp.stop(timeout) })
			}
		}
		wg.Wait()
		for _, n := range []string{KubeAPIServer, Etcd} {
			if comp := byName[n]; comp != nil {
				comp.stop(timeout)
			}
		}
		if c.dir != "" {
			_ = os.Remove(c.path(stateFile))
		}
		if c.tempDir {
			if err := os.RemoveAll(c.dir); err != nil {
				c.stopErr = fmt.Errorf("removing data directory: %w", err)
			}
		}
	})
	return c.stopErr
}

// Failed returns a channel that yields an error when a component exits
// while the cluster should be running. It is closed by Stop.
func (c *Cluster) Failed() <-chan error {
	ch := make(chan error, 1)
	c.mu.Lock()
	comps := append([]*component(nil), c.components...)
	c.mu.Unlock()
	go func() {
		cases := make(chan *component, len(comps))
		for _, comp := range comps {
			go func() { <-comp.done; cases <- comp }()
		}
		comp := <-cases
		if !comp.stopped {
			ch <- comp.exitError()
		}
		close(ch)
	}()
	return ch
}

// Dir is the data directory.
func (c *Cluster) Dir() string { return c.dir }

// Server is the API server URL.
func (c *Cluster) Server() string { return c.server }

// Ports are the ports in use.
func (c *Cluster) Ports() Ports { return c.ports }

// StartedAt is when the components were started.
func (c *Cluster) StartedAt() time.Time { return c.startedAt }

// AdminKubeconfig is the path of the admin kubeconfig (system:masters).
func (c *Cluster) AdminKubeconfig() string { return c.kubeconfig("admin") }

// AdminConfig returns a client configuration for the admin.
func (c *Cluster) AdminConfig() *rest.Config { return rest.CopyConfig(c.admin) }

// UserKubeconfig is the path of a named user's kubeconfig.
func (c *Cluster) UserKubeconfig(name string) (string, error) {
	for _, u := range c.opts.Users {
		if u.Name == name {
			return c.kubeconfig(name), nil
		}
	}
	return "", fmt.Errorf("no user %q in this cluster", name)
}

// UserConfig returns a client configuration for a named user.
func (c *Cluster) UserConfig(name string) (*rest.Config, error) {
	p, err := c.UserKubeconfig(name)
	if err != nil {
		return nil, err
	}
	return restConfigFromFile(p)
}

// Users returns the configured users.
func (c *Cluster) Users() []User { return append([]User(nil), c.opts.Users...) }

// AuditLogPath is the API server's JSON-lines audit log.
func (c *Cluster) AuditLogPath() string { return c.path(auditLogFile) }

// CAFile is the PEM CA that signs the API server's certificate.
func (c *Cluster) CAFile() string { return c.pki.CAFile() }

// Processes lists the running components.
func (c *Cluster) Processes() []Process {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Process, 0, len(c.components))
	for _, comp := range c.components {
		out = append(out, Process{Name: comp.name, PID: comp.pid(), Port: comp.port, Log: comp.logPath, Running: !comp.exited()})
	}
	return out
}

// Process describes one component process.
type Process struct {
	Name    string `json:"name"`
	PID     int    `json:"pid"`
	Port    int    `json:"port,omitempty"`
	Log     string `json:"log"`
	Running bool   `json:"running"`
}

// Version is the Kubernetes version of the control plane.
func (c *Cluster) Version() string { return version.KubernetesVersion }
