package localcluster

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
)

// admissionPlugins is the admission chain of a typical production cluster.
var admissionPlugins = []string{
	"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "NodeRestriction",
	"TaintNodesByCondition", "PodSecurity", "Priority", "DefaultTolerationSeconds",
	"DefaultStorageClass", "StorageObjectInUseProtection", "PersistentVolumeClaimResize",
	"RuntimeClass", "CertificateApproval", "CertificateSigning", "CertificateSubjectRestriction",
	"DefaultIngressClass", "MutatingAdmissionPolicy", "MutatingAdmissionWebhook",
	"ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota",
}

func (c *Cluster) startEtcd(ctx context.Context) error {
	client := "http://127.0.0.1:" + strconv.Itoa(c.ports.EtcdClient)
	peer := "http://127.0.0.1:" + strconv.Itoa(c.ports.EtcdPeer)
	args := []string{
		"--name=landfall",
		"--data-dir=" + c.path(etcdDir),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=landfall=" + peer,
		"--log-level=warn",
		"--quota-backend-bytes=2147483648",
	}
	if c.opts.FastStorage {
		args = append(args, "--unsafe-no-fsync=true")
	}
	comp, err := c.start(Etcd, c.bins.Etcd, args, nil, c.ports.EtcdClient)
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: time.Second}
	return waitFor(ctx, comp, []*component{comp}, func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, client+"/health", nil)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("health: %s", resp.Status)
		}
		return nil
	})
}

func (c *Cluster) startAPIServer(ctx context.Context) error {
	p := c.pki
	args := []string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(c.ports.EtcdClient),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		// Kubernetes refuses a loopback address in the default/kubernetes
		// endpoints; nothing in a local cluster dials the service anyway.
		"--endpoint-reconciler-type=none",
		"--secure-port=" + strconv.Itoa(c.ports.APIServer),
		"--cert-dir=" + c.path("certs", KubeAPIServer),
		"--tls-cert-file=" + p.path("apiserver.crt"),
		"--tls-private-key-file=" + p.path("apiserver.key"),
		"--client-ca-file=" + p.CAFile(),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p.path("sa.pub"),
		"--service-account-signing-key-file=" + p.path("sa.key"),
		"--authorization-mode=Node,RBAC",
		"--allow-privileged=true",
		"--enable-admission-plugins=" + strings.Join(admissionPlugins, ","),
		"--audit-policy-file=" + c.path("audit/policy.yaml"),
		"--audit-log-path=" + c.AuditLogPath(),
		"--audit-log-format=json",
		"--audit-log-mode=blocking",
		"--audit-log-maxsize=100",
		"--audit-log-maxbackup=5",
		"--profiling=false",
		"--shutdown-delay-duration=0s",
		"--kubelet-preferred-address-types=InternalIP,Hostname",
	}
	if c.opts.AuditWebhook != nil {
		args = append(args,
			"--audit-webhook-config-file="+c.path("audit/webhook.kubeconfig"),
			"--audit-webhook-mode=batch",
			"--audit-webhook-batch-max-wait=1s",
			"--audit-webhook-version=audit.k8s.io/v1",
		)
	}
	args = append(args, c.opts.APIServerArgs...)
	comp, err := c.start(KubeAPIServer, c.bins.KubeAPIServer, args, nil, c.ports.APIServer)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(c.AdminConfig())
	if err != nil {
		return fmt.Errorf("building admin client: %w", err)
	}
	etcd := c.component(Etcd)
	return waitFor(ctx, comp, []*component{comp, etcd}, func(ctx context.Context) error {
		body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			return fmt.Errorf("readyz: %s", strings.TrimSpace(string(body)))
		}
		return nil
	})
}

func (c *Cluster) startControllers(ctx context.Context) error {
	p := c.pki
	kcm := c.kubeconfig(KubeControllerManager)
	kcmArgs := []string{
		"--kubeconfig=" + kcm,
		"--authentication-kubeconfig=" + kcm,
		"--authorization-kubeconfig=" + kcm,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(c.ports.ControllerManager),
		"--cert-dir=" + c.path("certs", KubeControllerManager),
		// Node IPAM needs a pod CIDR per node; simulated nodes have none.
		"--controllers=*,-nodeipam",
		"--use-service-account-credentials=true",
		"--service-account-private-key-file=" + p.path("sa.key"),
		"--root-ca-file=" + p.CAFile(),
		"--cluster-signing-cert-file=" + p.CAFile(),
		"--cluster-signing-key-file=" + p.path("ca.key"),
		"--leader-elect=false",
		"--node-monitor-period=1s",
		"--profiling=false",
	}
	sched := c.kubeconfig(KubeScheduler)
	schedArgs := []string{
		"--kubeconfig=" + sched,
		"--authentication-kubeconfig=" + sched,
		"--authorization-kubeconfig=" + sched,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(c.ports.Scheduler),
		"--cert-dir=" + c.path("certs", KubeScheduler),
		"--leader-elect=false",
		"--profiling=false",
	}
	kcmComp, err := c.start(KubeControllerManager, c.bins.KubeControllerManager, kcmArgs, nil, c.ports.ControllerManager)
	if err != nil {
		return err
	}
	schedComp, err := c.start(KubeScheduler, c.bins.KubeScheduler, schedArgs, nil, c.ports.Scheduler)
	if err != nil {
		return err
	}
	var kwokComp *component
	if c.opts.Nodes > 0 {
		kwokArgs := []string{
			"--kubeconfig=" + c.kubeconfig(KWOK),
			"--config=" + c.bins.KWOKStages,
			"--manage-all-nodes=false",
			"--manage-nodes-with-annotation-selector=" + kwokNodeAnnotation + "=fake",
			"--server-address=127.0.0.1:" + strconv.Itoa(c.ports.KWOK),
			"--node-lease-duration-seconds=40",
		}
		// KWOK also reads ~/.kwok/kwok.yaml when it exists; give it a home
		// of its own so a user's KWOK setup cannot change this cluster.
		home := c.path("kwok")
		if err := os.MkdirAll(home, 0o700); err != nil {
			return fmt.Errorf("creating kwok home: %w", err)
		}
		env := append(os.Environ(), "HOME="+home)
		if kwokComp, err = c.start(KWOK, c.bins.KWOK, kwokArgs, env, c.ports.KWOK); err != nil {
			return err
		}
	}
	all := c.snapshot()
	for _, comp := range []*component{kcmComp, schedComp} {
		if err := waitFor(ctx, comp, all, healthz(comp.port)); err != nil {
			return err
		}
	}
	_ = kwokComp
	return nil
}

// healthz probes a component's /healthz on its self-signed secure port;
// the path is open to anonymous requests by default.
func healthz(port int) func(context.Context) error {
	hc := &http.Client{
		Timeout: time.Second,
		// #nosec G402 -- a loopback probe of a component's self-signed
		// serving certificate; no credential is sent.
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}
	url := "https://127.0.0.1:" + strconv.Itoa(port) + "/healthz"
	return func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("healthz: %s", resp.Status)
		}
		return nil
	}
}

func (c *Cluster) component(name string) *component {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, comp := range c.components {
		if comp.name == name {
			return comp
		}
	}
	return nil
}

func (c *Cluster) snapshot() []*component {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*component(nil), c.components...)
}

// waitFor polls check until it succeeds. If any of watch exits first, or
// ctx ends, it fails naming the component (subject, unless another one
// exited) with the tail of its log.
func waitFor(ctx context.Context, subject *component, watch []*component, check func(context.Context) error) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		for _, w := range watch {
			if w != nil && w.exited() {
				return w.exitError()
			}
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		last = check(cctx)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return &ComponentError{
				Component: subject.name,
				Err:       fmt.Errorf("not ready: %w (last check: %w)", ctx.Err(), last),
				LogPath:   subject.logPath,
				LogTail:   tailFile(subject.logPath, 20),
			}
		case <-tick.C:
		}
	}
}
