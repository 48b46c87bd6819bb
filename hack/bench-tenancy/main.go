package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/hack/internal/benchproc"
	"github.com/landfall-dev/landfall/internal/cli/manager"
	"github.com/landfall-dev/landfall/internal/controller"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/tenancy"
	"github.com/landfall-dev/landfall/internal/webhook"
	"github.com/landfall-dev/landfall/internal/webhook/webhooktest"
)

// Environment of the manager child process.
const (
	envManager = "LANDFALL_BENCH_MANAGER"
	envHost    = "LANDFALL_BENCH_HOST"
	envCAFile  = "LANDFALL_BENCH_CA_FILE"
	envToken   = "LANDFALL_BENCH_TOKEN"
	envPort    = "LANDFALL_BENCH_WEBHOOK_PORT"
	envCertDir = "LANDFALL_BENCH_CERT_DIR"
	envMetrics = "LANDFALL_BENCH_METRICS"
)

func main() {
	ctrl.SetLogger(logr.Discard())
	var err error
	if os.Getenv(envManager) != "" {
		err = runManager()
	} else {
		err = run()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	spaces  int
	workers int
	idle    time.Duration
	profile string
}

func run() error {
	var o options
	flag.IntVar(&o.spaces, "spaces", 1000, "number of spaces")
	flag.IntVar(&o.workers, "workers", 16, "parallel creates (the floor uses as many)")
	flag.DurationVar(&o.idle, "idle", 60*time.Second, "how long to count reconciles once all spaces are Ready")
	flag.StringVar(&o.profile, "apiserver-profile", "", "write 20-second CPU profiles of the API server during each phase into this directory")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Printf("starting a local control plane (no nodes, fast storage)...\n")
	lopts := localcluster.Options{Nodes: 0, FastStorage: true}
	if o.profile != "" {
		lopts.APIServerArgs = []string{"--profiling=true"}
	}
	cluster, err := localcluster.Start(ctx, lopts)
	if err != nil {
		return fmt.Errorf("starting local control plane: %w", err)
	}
	defer func() { _ = cluster.Stop() }()
	// The floor's client gets the manager's client rate (landfall
	// manager's restConfig: no client-side limit).
	admin := manager.ClientRate(cluster.AdminConfig())
	metricsAddr, err := freeAddr()
	if err != nil {
		return err
	}
	m, err := webhooktest.New(ctx, webhooktest.Options{Admin: admin, MetricsAddr: metricsAddr})
	if err != nil {
		return err
	}
	c, err := client.NewWithWatch(admin, client.Options{Scheme: webhooktest.Scheme()})
	if err != nil {
		return fmt.Errorf("creating client: %w", err)
	}

	child, err := startChild(ctx, m, cluster.CAFile(), metricsAddr)
	if err != nil {
		return err
	}
	defer child.stop()
	if err := m.WaitServing(ctx); err != nil {
		return err
	}
	account, err := webhooktest.CreateAccount(ctx, c, "bench", "bench-tenants")
	if err != nil {
		return err
	}

	fmt.Printf("creating %d spaces through the manager (%d workers)...\n", o.spaces, o.workers)
	procs := controlPlane(cluster)
	procs["manager"] = strconv.Itoa(child.cmd.Process.Pid)
	cpuBefore := cpuOf(procs)
	profileDone := profileAPIServer(ctx, admin, o.profile, "manager")
	reqBefore, err := apiRequests(ctx, admin)
	if err != nil {
		return err
	}
	start := time.Now()
	err = benchproc.Parallel(ctx, o.spaces, o.workers, func(ctx context.Context, i int) error {
		s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("space-%05d", i)}, Spec: landfallv1alpha1.SpaceSpec{Account: account.Name}}
		if err := c.Create(ctx, s); err != nil {
			return fmt.Errorf("creating space %s: %w", s.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := waitAllReady(ctx, c, o.spaces); err != nil {
		return err
	}
	managerTime := time.Since(start)
	managerCPU := cpuSince(procs, cpuBefore)
	managerReqs, err := apiRequestsSince(ctx, admin, reqBefore)
	if err != nil {
		return err
	}
	<-profileDone
	fmt.Printf("  all %d spaces Ready in %s\n", o.spaces, managerTime.Round(time.Millisecond))

	// A reconcile queued before the last space went Ready (say, an
	// instance turning Ready while its space's reconcile already saw it)
	// may still run: idle starts once no work is queued or running.
	// Timers (RequeueAfter) are not queued until they fire, so they are
	// still counted.
	if err := waitSettled(ctx, metricsAddr); err != nil {
		return err
	}
	before, err := reconciles(ctx, metricsAddr)
	if err != nil {
		return err
	}
	busy := map[string]float64{}
	for k, v := range before {
		busy[controllerOf(k)] += v
	}
	fmt.Printf("counting reconciles over %s idle...\n", o.idle)
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting idle: %w", ctx.Err())
	case <-time.After(o.idle):
	}
	after, err := reconciles(ctx, metricsAddr)
	if err != nil {
		return err
	}
	rss, err := peakRSS(child.cmd.Process.Pid)
	if err != nil {
		return err
	}
	idle := map[string]float64{}
	var idleTotal float64
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			idle[k], idleTotal = d, idleTotal+d
		}
	}
	child.stop()

	fmt.Printf("applying the same objects with a plain client (the floor)...\n")
	v, mw := webhook.Configurations(webhook.URLClientConfig(m.URL(), nil))
	for _, obj := range []client.Object{v, mw} {
		if err := c.Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("removing webhook configuration: %w", err)
		}
	}
	procs = controlPlane(cluster)
	cpuBefore = cpuOf(procs)
	profileDone = profileAPIServer(ctx, admin, o.profile, "floor")
	reqBefore, err = apiRequests(ctx, admin)
	if err != nil {
		return err
	}
	floorTime, err := floor(ctx, c, account, o)
	if err != nil {
		return err
	}
	floorCPU := cpuSince(procs, cpuBefore)
	floorReqs, err := apiRequestsSince(ctx, admin, reqBefore)
	if err != nil {
		return err
	}
	<-profileDone

	ratio := managerTime.Seconds() / floorTime.Seconds()
	fmt.Printf("\nspaces                     %d (baseline template: namespace, TemplateInstance, 5 objects, RoleBinding each)\n", o.spaces)
	fmt.Printf("manager: all Ready in      %s (%.0f spaces/s)\n", managerTime.Round(time.Millisecond), float64(o.spaces)/managerTime.Seconds())
	fmt.Printf("floor: plain SSA in        %s (%.0f spaces/s)\n", floorTime.Round(time.Millisecond), float64(o.spaces)/floorTime.Seconds())
	fmt.Printf("ratio manager/floor        %.2fx (target <= 1.5x) %s\n", ratio, verdict(ratio <= 1.5))
	fmt.Printf("manager peak RSS (VmHWM)   %.1f MB (target < 200 MB at 1,000 spaces) %s\n", float64(rss)/1e6, verdict(rss < 200e6))
	fmt.Printf("reconciles over %s idle   %.0f (target 0) %s\n", o.idle, idleTotal, verdict(idleTotal == 0))
	for k, v := range idle {
		fmt.Printf("  %s: %.0f\n", k, v)
	}
	fmt.Printf("CPU seconds (manager run / floor):\n")
	for _, k := range slices.Sorted(maps.Keys(managerCPU)) {
		fmt.Printf("  %-22s %6.1f / %6.1f\n", k, managerCPU[k], floorCPU[k])
	}
	fmt.Printf("API requests per space (manager run / floor), by verb and resource:\n")
	keys := map[string]bool{}
	for k := range managerReqs {
		keys[k] = true
	}
	for k := range floorReqs {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		m, f := managerReqs[k]/float64(o.spaces), floorReqs[k]/float64(o.spaces)
		if m >= 0.05 || f >= 0.05 {
			fmt.Printf("  %-40s %5.2f / %5.2f\n", k, m, f)
		}
	}
	fmt.Printf("reconciles until all Ready, by controller:\n")
	for _, k := range slices.Sorted(maps.Keys(busy)) {
		fmt.Printf("  %-22s %.0f\n", k, busy[k])
	}
	return nil
}

// controllerOf returns the controller label of a reconcile counter's
// label set.
func controllerOf(labels string) string {
	_, rest, ok := strings.Cut(labels, `controller="`)
	if !ok {
		return labels
	}
	name, _, _ := strings.Cut(rest, `"`)
	return name
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

// floor does, per space, the client's part of the manager run (creating
// the Space: it is inside the manager's measured time too) and then
// server-side applies what the manager makes: the namespace with its
// labels, the TemplateInstance, the rendered template objects and the
// RoleBinding (not the statuses the manager writes), with the
// same parallelism and client rate. No manager runs, so the Space is
// only stored.
func floor(ctx context.Context, c client.Client, account *landfallv1alpha1.Account, o options) (time.Duration, error) {
	tpl := tenancy.Baseline()
	start := time.Now()
	err := benchproc.Parallel(ctx, o.spaces, o.workers, func(ctx context.Context, i int) error {
		name := fmt.Sprintf("floor-%05d", i)
		s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: landfallv1alpha1.SpaceSpec{Account: account.Name}}
		if err := c.Create(ctx, s); err != nil {
			return fmt.Errorf("creating space %s: %w", s.Name, err)
		}
		rendered, err := tenancy.Render(tpl, nil, tenancy.Scope{Space: name, Account: account.Name})
		if err != nil {
			return fmt.Errorf("rendering: %w", err)
		}
		labels := tenancy.NamespaceLabels(account, name, []*tenancy.Rendered{rendered})
		owner := client.FieldOwner("bench-floor")
		if err := c.Apply(ctx, corev1ac.Namespace(name).WithLabels(labels), owner, client.ForceOwnership); err != nil {
			return fmt.Errorf("applying namespace %s: %w", name, err)
		}
		// The TemplateInstance is one of the objects the manager makes
		// (its spec, not its status).
		ti := &landfallv1alpha1.TemplateInstance{
			TypeMeta:   metav1.TypeMeta{APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.TemplateInstanceKind},
			ObjectMeta: metav1.ObjectMeta{Namespace: name, Name: tpl.Name, Labels: map[string]string{tenancy.LabelSpace: name}},
			Spec:       landfallv1alpha1.TemplateInstanceSpec{Template: tpl.Name},
		}
		content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ti)
		if err != nil {
			return fmt.Errorf("converting template instance: %w", err)
		}
		tiu := &unstructured.Unstructured{Object: content}
		unstructured.RemoveNestedField(tiu.Object, "status")
		unstructured.RemoveNestedField(tiu.Object, "metadata", "creationTimestamp")
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(tiu), owner, client.ForceOwnership); err != nil {
			return fmt.Errorf("applying template instance in %s: %w", name, err)
		}
		for _, u := range rendered.Objects {
			u.SetNamespace(name)
			if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), owner, client.ForceOwnership); err != nil {
				return fmt.Errorf("applying %s %s/%s: %w", u.GetKind(), name, u.GetName(), err)
			}
		}
		rb := rbacv1ac.RoleBinding(controller.SpaceRoleBindingName, name).
			WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(account.GetSpaceClusterRole())).
			WithSubjects(rbacv1ac.Subject().WithKind(rbacv1.GroupKind).WithAPIGroup(rbacv1.GroupName).WithName("bench-tenants"))
		if err := c.Apply(ctx, rb, owner, client.ForceOwnership); err != nil {
			return fmt.Errorf("applying role binding in %s: %w", name, err)
		}
		return nil
	})
	return time.Since(start), err
}

// waitAllReady waits until n Spaces are Ready. It lists once and then
// follows a watch (listing again only if the watch ends), so it adds next
// to nothing to the API server's load while the manager works; polling a
// list of every Space ten times a second cost the API server more than
// some of the manager's own work at 1,000 spaces.
func waitAllReady(ctx context.Context, c client.WithWatch, n int) error {
	progress := time.NewTicker(10 * time.Second)
	defer progress.Stop()
	for {
		var list landfallv1alpha1.SpaceList
		if err := c.List(ctx, &list); err != nil {
			return fmt.Errorf("listing spaces: %w", err)
		}
		ready := map[string]bool{}
		for i := range list.Items {
			ready[list.Items[i].Name] = isReady(&list.Items[i])
		}
		w, err := c.Watch(ctx, &landfallv1alpha1.SpaceList{}, &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})
		if err != nil {
			return fmt.Errorf("watching spaces: %w", err)
		}
		done, err := followReady(ctx, w, ready, n, progress.C)
		w.Stop()
		if done || err != nil {
			return err
		}
	}
}

// followReady applies watch events to ready until n are Ready (true) or
// the watch ends (false: list again).
func followReady(ctx context.Context, w watch.Interface, ready map[string]bool, n int, progress <-chan time.Time) (bool, error) {
	count := func() int {
		k := 0
		for _, r := range ready {
			if r {
				k++
			}
		}
		return k
	}
	for {
		if count() >= n {
			return true, nil
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("waiting for spaces: %w", ctx.Err())
		case <-progress:
			fmt.Printf("  %d/%d Ready\n", count(), n)
		case ev, ok := <-w.ResultChan():
			if !ok || ev.Type == watch.Error {
				return false, nil
			}
			s, ok := ev.Object.(*landfallv1alpha1.Space)
			if !ok {
				continue
			}
			if ev.Type == watch.Deleted {
				delete(ready, s.Name)
			} else {
				ready[s.Name] = isReady(s)
			}
		}
	}
}

func isReady(s *landfallv1alpha1.Space) bool {
	return meta.IsStatusConditionTrue(s.Status.Conditions, landfallv1alpha1.ReadyCondition)
}

// reconciles scrapes controller_runtime_reconcile_total per controller
// and result.
func reconciles(ctx context.Context, addr string) (map[string]float64, error) {
	return scrape(ctx, addr, parseReconciles)
}

// scrape reads the manager's metrics with parse.
func scrape(ctx context.Context, addr string, parse func(io.Reader) (map[string]float64, error)) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, fmt.Errorf("building metrics request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scraping metrics: %w", err)
	}
	defer resp.Body.Close()
	return parse(resp.Body)
}

// waitSettled waits (up to 10 seconds) until the manager's work queues
// are empty and no reconcile runs.
func waitSettled(ctx context.Context, addr string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		busy, err := scrape(ctx, addr, func(r io.Reader) (map[string]float64, error) {
			return parseSamples(r, "workqueue_depth", "controller_runtime_active_workers")
		})
		if err != nil {
			return err
		}
		var n float64
		for _, v := range busy {
			n += v
		}
		if n == 0 || time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the manager to settle: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// parseReconciles reads the controller_runtime_reconcile_total samples of
// a Prometheus text exposition, by label set.
func parseReconciles(r io.Reader) (map[string]float64, error) {
	return parseSamples(r, "controller_runtime_reconcile_total")
}

// parseSamples reads the samples of the named metrics of a Prometheus
// text exposition, by label set (prefixed by the name when several are
// asked for).
func parseSamples(r io.Reader, names ...string) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		for _, name := range names {
			if !strings.HasPrefix(line, name+"{") {
				continue
			}
			i := strings.LastIndexByte(line, ' ')
			v, err := strconv.ParseFloat(line[i+1:], 64)
			if err != nil {
				return nil, fmt.Errorf("parsing %q: %w", line, err)
			}
			key := line[len(name):i]
			if len(names) > 1 {
				key = name + key
			}
			out[key] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading metrics: %w", err)
	}
	return out, nil
}

// peakRSS returns a process's VmHWM in bytes.
func peakRSS(pid int) (int64, error) {
	kib, err := benchproc.HWMKiB(strconv.Itoa(pid))
	if err != nil {
		return 0, fmt.Errorf("reading the manager's peak RSS: %w", err)
	}
	return kib * 1024, nil
}

type childProcess struct {
	cmd  *exec.Cmd
	once sync.Once
}

// startChild re-executes this binary as the manager, as the manager's
// ServiceAccount.
func startChild(ctx context.Context, m *webhooktest.Manager, caFile, metricsAddr string) (*childProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding own executable: %w", err)
	}
	cfg := m.Config()
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(),
		envManager+"=1", envHost+"="+cfg.Host, envCAFile+"="+caFile, envToken+"="+cfg.BearerToken,
		envPort+"="+strconv.Itoa(m.Port()), envCertDir+"="+m.CertDir(), envMetrics+"="+metricsAddr)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting manager process: %w", err)
	}
	return &childProcess{cmd: cmd}, nil
}

// stop ends the manager process and waits for it.
func (c *childProcess) stop() {
	c.once.Do(func() {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		_ = c.cmd.Wait()
	})
}

// runManager is the child: the tenancy manager until SIGTERM.
func runManager() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	port, err := strconv.Atoi(os.Getenv(envPort))
	if err != nil {
		return fmt.Errorf("parsing %s: %w", envPort, err)
	}
	// The client rate and the number of workers are landfall manager's.
	cfg := manager.ClientRate(&rest.Config{
		Host: os.Getenv(envHost), BearerToken: os.Getenv(envToken),
		TLSClientConfig: rest.TLSClientConfig{CAFile: os.Getenv(envCAFile)},
	})
	workers := controller.DefaultOptions().MaxConcurrentReconciles
	mgr, err := webhooktest.NewControllerManager(cfg, port, os.Getenv(envCertDir), os.Getenv(envMetrics), workers)
	if err != nil {
		return err
	}
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("running manager: %w", err)
	}
	return nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// controlPlane returns the PIDs of the processes whose CPU time the
// benchmark reports: the API server, etcd and the benchmark itself (the
// clients).
func controlPlane(cluster *localcluster.Cluster) map[string]string {
	out := map[string]string{"clients (bench)": "self"}
	for _, p := range cluster.Processes() {
		if p.Name == "kube-apiserver" || p.Name == "etcd" {
			out[p.Name] = strconv.Itoa(p.PID)
		}
	}
	return out
}

// cpuOf reads the CPU seconds of each process (0 when it cannot).
func cpuOf(procs map[string]string) map[string]float64 {
	out := map[string]float64{}
	for name, pid := range procs {
		out[name], _ = benchproc.CPUSeconds(pid)
	}
	return out
}

// cpuSince returns the CPU seconds each process used since before.
func cpuSince(procs map[string]string, before map[string]float64) map[string]float64 {
	now := cpuOf(procs)
	for name := range now {
		now[name] -= before[name]
	}
	return now
}

// profileAPIServer writes a 20-second CPU profile of the API server to
// dir/apiserver-<phase>.pprof in the background, when dir is set; the
// channel closes when it is done.
func profileAPIServer(ctx context.Context, cfg *rest.Config, dir, phase string) <-chan struct{} {
	done := make(chan struct{})
	if dir == "" {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		hc, err := rest.HTTPClientFor(cfg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "profiling: %v\n", err)
			return
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Host+"/debug/pprof/profile?seconds=20", nil)
		if err != nil {
			fmt.Fprintf(os.Stderr, "profiling: %v\n", err)
			return
		}
		resp, err := hc.Do(req)
		if err != nil {
			fmt.Fprintf(os.Stderr, "profiling: %v\n", err)
			return
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "apiserver-"+phase+".pprof"), data, 0o644)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "profiling: %v\n", err)
		}
	}()
	return done
}

// apiRequests reads the API server's apiserver_request_total counters,
// summed by verb and resource (and subresource).
func apiRequests(ctx context.Context, cfg *rest.Config) (map[string]float64, error) {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating metrics client: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Host+"/metrics", nil)
	if err != nil {
		return nil, fmt.Errorf("building metrics request: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading API server metrics: %w", err)
	}
	defer resp.Body.Close()
	samples, err := parseSamples(resp.Body, "apiserver_request_total")
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for labels, v := range samples {
		key := label(labels, "verb") + " " + label(labels, "resource")
		if sub := label(labels, "subresource"); sub != "" {
			key += "/" + sub
		}
		out[key] += v
	}
	return out, nil
}

// apiRequestsSince returns the requests since before.
func apiRequestsSince(ctx context.Context, cfg *rest.Config, before map[string]float64) (map[string]float64, error) {
	now, err := apiRequests(ctx, cfg)
	if err != nil {
		return nil, err
	}
	for k := range now {
		now[k] -= before[k]
	}
	return now, nil
}

// label returns the value of a label in a Prometheus label set.
func label(labels, name string) string {
	_, rest, ok := strings.Cut(labels, name+`="`)
	if !ok || (len(labels) > len(rest)+len(name)+2 && labels[len(labels)-len(rest)-len(name)-3] != '{' && labels[len(labels)-len(rest)-len(name)-3] != ',') {
		return ""
	}
	value, _, _ := strings.Cut(rest, `"`)
	return value
}
