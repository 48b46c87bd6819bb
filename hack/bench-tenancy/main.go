package main

import (
	"bufio"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
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
	envProfile = "LANDFALL_BENCH_PROFILE"
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
	rounds  int
	warmup  int
	idle    time.Duration
	profile string
	// statusFloor adds a third run per round: the floor plus the two
	// status writes per space the manager makes.
	statusFloor bool
}

// phase is what one timed run (the manager's or the floor's) measured.
type phase struct {
	elapsed time.Duration
	// steal is the share of the machine's CPU time the hypervisor gave
	// to other guests during the timed part: a shared VM's noise.
	steal float64
	// cpuBusy is the share of the machine's CPU time not idle (stolen
	// time counts as busy, so read it with steal): near 100% with no
	// steal, the run was bound by the CPU, and the ratio of the runs'
	// times is that of the work the machine did for each.
	cpuBusy float64
	cpu     map[string]float64
	reqs    map[string]float64
	// Manager runs only.
	rss  int64
	idle map[string]float64
	busy map[string]float64
}

func run() error {
	var o options
	// Its own flag set: controller-runtime registers -kubeconfig on the
	// global one, which the benchmark does not read.
	flags := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	flags.IntVar(&o.spaces, "spaces", 1000, "number of spaces")
	flags.IntVar(&o.workers, "workers", 16, "parallel creates (the floor uses as many)")
	flags.IntVar(&o.rounds, "rounds", 3, "rounds of (manager run, floor run, floor + statuses run), each run on a fresh control plane, in reverse order in every other round (an even number balances the order); the ratio reported is the median")
	flags.IntVar(&o.warmup, "warmup", 50, "spaces created (and not timed) before each timed run, so neither run pays the control plane's first-use costs")
	flags.DurationVar(&o.idle, "idle", 60*time.Second, "how long to count reconciles once all spaces are Ready (first round)")
	flags.BoolVar(&o.statusFloor, "status-floor", true, "also time, for information, the floor plus the two status writes per space the manager makes (TemplateInstance and Space): the same end state, every Space Ready")
	flags.StringVar(&o.profile, "apiserver-profile", "", "write 20-second CPU profiles of the API server during each run of the first round, and a CPU profile of the manager process, into this directory")
	if err := flags.Parse(os.Args[1:]); err != nil {
		return err
	}
	if o.spaces < 1 || o.rounds < 1 || o.warmup < 0 || o.workers < 1 {
		return fmt.Errorf("-spaces, -rounds and -workers must be at least 1 and -warmup at least 0")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var ms, fs, ss []phase
	var ratios []float64
	for r := range o.rounds {
		fmt.Printf("round %d/%d\n", r+1, o.rounds)
		ro := o
		if r > 0 {
			ro.idle, ro.profile = 0, ""
		}
		// Every other round runs them in reverse, so a machine that
		// slows down or speeds up over the rounds favours no run.
		var m, f, sf phase
		runs := []func() error{
			func() (err error) { m, err = managerRun(ctx, ro); return err },
			func() (err error) { f, err = floorRun(ctx, ro, false); return err },
		}
		if o.statusFloor {
			runs = append(runs, func() (err error) { sf, err = floorRun(ctx, ro, true); return err })
		}
		if r%2 == 1 {
			slices.Reverse(runs)
		}
		for _, run := range runs {
			if err := run(); err != nil {
				return err
			}
		}
		ms, fs, ss = append(ms, m), append(fs, f), append(ss, sf)
		ratios = append(ratios, m.elapsed.Seconds()/f.elapsed.Seconds())
		fmt.Printf("  manager %s (CPU steal %.0f%%), floor %s (CPU steal %.0f%%): %.2fx\n",
			m.elapsed.Round(time.Millisecond), 100*m.steal, f.elapsed.Round(time.Millisecond), 100*f.steal, ratios[r])
		if o.statusFloor {
			fmt.Printf("  floor + statuses %s (CPU steal %.0f%%): manager %.2fx of it\n",
				sf.elapsed.Round(time.Millisecond), 100*sf.steal, m.elapsed.Seconds()/sf.elapsed.Seconds())
		}
	}
	report(o, ms, fs, ss, ratios)
	return nil
}

// report prints the summary: the median round's figures in detail.
func report(o options, ms, fs, ss []phase, ratios []float64) {
	med := medianIndex(ratios)
	m, f, sf := ms[med], fs[med], ss[med]
	ratio := ratios[med]
	var rss int64
	for _, p := range ms {
		rss = max(rss, p.rss)
	}
	idle, idleTotal := ms[0].idle, 0.0
	for _, v := range idle {
		idleTotal += v
	}
	fmt.Printf("\nspaces                     %d (baseline template: namespace, TemplateInstance, 5 objects, RoleBinding each)\n", o.spaces)
	fmt.Printf("rounds                     %d, each run on a fresh control plane after %d warm-up spaces; ratios:", len(ratios), o.warmup)
	for _, r := range ratios {
		fmt.Printf(" %.2fx", r)
	}
	fmt.Printf("\nmedian round (%d):\n", med+1)
	fmt.Printf("manager: all Ready in      %s (%.0f spaces/s)\n", m.elapsed.Round(time.Millisecond), float64(o.spaces)/m.elapsed.Seconds())
	fmt.Printf("floor: plain SSA in        %s (%.0f spaces/s)\n", f.elapsed.Round(time.Millisecond), float64(o.spaces)/f.elapsed.Seconds())
	fmt.Printf("CPU steal (manager/floor)  %.0f%% / %.0f%% of the machine's CPU time went to other guests of the host\n", 100*m.steal, 100*f.steal)
	fmt.Printf("CPU busy (manager/floor)   %.0f%% / %.0f%% of the machine's CPU time was not idle\n", 100*m.cpuBusy, 100*f.cpuBusy)
	fmt.Printf("ratio manager/floor        %.2fx median (target <= 1.5x) %s\n", ratio, verdict(ratio <= 1.5))
	if o.statusFloor {
		// For information: the floor leaves the statuses out.
		sr := make([]float64, len(ms))
		for i := range ms {
			sr[i] = ms[i].elapsed.Seconds() / ss[i].elapsed.Seconds()
		}
		fmt.Printf("floor + statuses           %s in the median round; manager/(floor + statuses) %.2fx, median of the rounds (for information: the same end state, the two status writes per space included)\n",
			sf.elapsed.Round(time.Millisecond), median(sr))
		budget(m, f, sf)
	}
	fmt.Printf("manager peak RSS (VmHWM)   %.1f MB, highest of the rounds (target < 200 MB at 1,000 spaces) %s\n", float64(rss)/1e6, verdict(rss < 200e6))
	fmt.Printf("reconciles over %s idle   %.0f, first round (target 0) %s\n", o.idle, idleTotal, verdict(idleTotal == 0))
	for k, v := range idle {
		fmt.Printf("  %s: %.0f\n", k, v)
	}
	fmt.Printf("CPU seconds (manager run / floor%s):\n", statusColumn(o))
	for _, k := range slices.Sorted(maps.Keys(m.cpu)) {
		fmt.Printf("  %-24s %6.1f / %6.1f", k, m.cpu[k], f.cpu[k])
		if o.statusFloor {
			fmt.Printf(" / %6.1f", sf.cpu[k])
		}
		fmt.Println()
	}
	fmt.Printf("API requests per space (manager run / floor%s), by verb and resource:\n", statusColumn(o))
	keys := map[string]bool{}
	for k := range m.reqs {
		keys[k] = true
	}
	for k := range f.reqs {
		keys[k] = true
	}
	for k := range sf.reqs {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		mv, fv, sv := m.reqs[k]/float64(o.spaces), f.reqs[k]/float64(o.spaces), sf.reqs[k]/float64(o.spaces)
		if mv >= 0.05 || fv >= 0.05 || sv >= 0.05 {
			fmt.Printf("  %-40s %5.2f / %5.2f", k, mv, fv)
			if o.statusFloor {
				fmt.Printf(" / %5.2f", sv)
			}
			fmt.Println()
		}
	}
	// kube-controller-manager answers every new namespace with a root CA
	// ConfigMap, a default ServiceAccount and a ResourceQuota status, each
	// controller through a client limited to 20 requests a second. A
	// window that ends sooner holds less of that work: the floor's
	// usually ends with about half of it still to come.
	fmt.Printf("controller-manager follow-up inside each timed window (its root CA ConfigMaps per space): %.0f%% / %.0f%%\n",
		100*m.reqs["POST configmaps"]/float64(o.spaces), 100*f.reqs["POST configmaps"]/float64(o.spaces))
	fmt.Printf("reconciles until all Ready, by controller:\n")
	for _, k := range slices.Sorted(maps.Keys(m.busy)) {
		fmt.Printf("  %-26s %.0f\n", k, m.busy[k])
	}
}

// budget prints what the target leaves the manager once the statuses its
// model requires are written, in the median round: the floor + statuses
// run is the least API work any manager that writes them can do, so the
// target can only be met if everything else the manager costs (its own
// process, its watches, the webhook calls) fits in what remains.
func budget(m, f, sf phase) {
	statuses := sf.elapsed.Seconds() / f.elapsed.Seconds()
	var total float64
	for _, v := range sf.cpu {
		total += v
	}
	own := m.cpu["manager"]
	fmt.Printf("statuses alone             %.2fx of the floor in the median round: the 1.5x target leaves %.0f%% for everything else the manager costs (its process, watches, webhook calls); its process alone used %.1f CPU-s, %.0f%% of the %.1f CPU-s of the floor + statuses run\n",
		statuses, 100*(1.5/statuses-1), own, 100*own/total, total)
}

// medianIndex returns the index of the median of xs (the upper one of an
// even count, as median does).
func medianIndex(xs []float64) int {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	return order[len(order)/2]
}

// statusColumn names the third column of the figures, when there is one.
func statusColumn(o options) string {
	if o.statusFloor {
		return " / floor + statuses"
	}
	return ""
}

// median returns the median of xs (the upper one of an even count, as the
// median round is chosen).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}

// The tenant who creates the spaces in the manager run: a member of the
// account by group, with no rights but those Landfall gives the account's
// subjects.
const (
	tenantUser  = "bench-tenant"
	tenantGroup = "bench-tenants"
)

// controlPlaneEnv is a fresh local control plane with Landfall installed
// (CRDs, RBAC, webhooks, baseline template) and one account.
type controlPlaneEnv struct {
	cluster *localcluster.Cluster
	admin   *rest.Config
	m       *webhooktest.Manager
	c       client.WithWatch
	account *landfallv1alpha1.Account
	metrics string
}

func startControlPlane(ctx context.Context, o options) (*controlPlaneEnv, error) {
	lopts := localcluster.Options{Nodes: 0, FastStorage: true, Users: []localcluster.User{{Name: tenantUser, Groups: []string{tenantGroup}}}}
	if o.profile != "" {
		lopts.APIServerArgs = []string{"--profiling=true"}
	}
	cluster, err := localcluster.Start(ctx, lopts)
	if err != nil {
		return nil, fmt.Errorf("starting local control plane: %w", err)
	}
	env := &controlPlaneEnv{cluster: cluster}
	if err := env.setup(ctx); err != nil {
		_ = cluster.Stop()
		return nil, err
	}
	return env, nil
}

func (e *controlPlaneEnv) setup(ctx context.Context) error {
	// The floor's client gets the manager's client settings (landfall
	// manager's restConfig: no client-side limit).
	e.admin = manager.ClientDefaults(e.cluster.AdminConfig())
	var err error
	if e.metrics, err = localcluster.FreeAddr(); err != nil {
		return err
	}
	certDir := filepath.Join(e.cluster.Dir(), "webhook-certs")
	if e.m, err = webhooktest.New(ctx, webhooktest.Options{Admin: e.admin, MetricsAddr: e.metrics, CertDir: certDir}); err != nil {
		return err
	}
	if e.c, err = client.NewWithWatch(e.admin, client.Options{Scheme: webhooktest.Scheme()}); err != nil {
		return fmt.Errorf("creating client: %w", err)
	}
	return nil
}

func (e *controlPlaneEnv) stop() { _ = e.cluster.Stop() }

// managerRun times the manager turning o.spaces Spaces into Ready
// namespaces, then counts its reconciles over o.idle.
func managerRun(ctx context.Context, o options) (phase, error) {
	var p phase
	fmt.Printf("  manager run: starting a local control plane (no nodes, fast storage)...\n")
	env, err := startControlPlane(ctx, o)
	if err != nil {
		return p, err
	}
	defer env.stop()
	child, err := startChild(ctx, env.m, env.cluster.CAFile(), env.metrics, o.profile)
	if err != nil {
		return p, err
	}
	defer child.stop()
	if err := env.m.WaitServing(ctx); err != nil {
		return p, err
	}
	if env.account, err = webhooktest.CreateAccount(ctx, env.c, "bench", tenantGroup); err != nil {
		return p, err
	}
	// Self-service: the tenant creates the spaces, so every create takes
	// the webhook's full path (membership, name rule, space limit) and
	// RBAC decides as it would for any tenant.
	tenantCfg, err := env.cluster.UserConfig(tenantUser)
	if err != nil {
		return p, fmt.Errorf("reading the tenant's credentials: %w", err)
	}
	tenant, err := client.New(manager.ClientDefaults(tenantCfg), client.Options{Scheme: webhooktest.Scheme()})
	if err != nil {
		return p, fmt.Errorf("creating tenant client: %w", err)
	}
	create := func(prefix string, n int) error {
		return benchproc.Parallel(ctx, n, o.workers, func(ctx context.Context, i int) error {
			s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%05d", prefix, i)}, Spec: landfallv1alpha1.SpaceSpec{Account: env.account.Name}}
			if err := tenant.Create(ctx, s); err != nil {
				return fmt.Errorf("creating space %s: %w", s.Name, err)
			}
			return nil
		})
	}
	if o.warmup > 0 {
		if err := create("warm", o.warmup); err != nil {
			return p, err
		}
		if err := waitAllReady(ctx, env.c, o.warmup); err != nil {
			return p, err
		}
		if err := waitSettled(ctx, env.metrics); err != nil {
			return p, err
		}
	}

	fmt.Printf("  creating %d spaces through the manager (%d workers)...\n", o.spaces, o.workers)
	procs := controlPlane(env.cluster)
	procs["manager"] = strconv.Itoa(child.cmd.Process.Pid)
	m, err := startMeter(ctx, env, procs, o.profile, "manager")
	if err != nil {
		return p, err
	}
	busyBefore, err := reconciles(ctx, env.metrics)
	if err != nil {
		return p, err
	}
	start := time.Now()
	if err := create("space", o.spaces); err != nil {
		return p, err
	}
	if err := waitAllReady(ctx, env.c, o.warmup+o.spaces); err != nil {
		return p, err
	}
	p.elapsed = time.Since(start)
	if err := m.stop(ctx, &p); err != nil {
		return p, err
	}

	// A reconcile queued before the last space went Ready (say, an
	// instance turning Ready while its space's reconcile already saw it)
	// may still run: idle starts once no work is queued or running.
	// Timers (RequeueAfter) are not queued until they fire, so they are
	// still counted.
	if err := waitSettled(ctx, env.metrics); err != nil {
		return p, err
	}
	before, err := reconciles(ctx, env.metrics)
	if err != nil {
		return p, err
	}
	p.busy = map[string]float64{}
	for k, v := range before {
		p.busy[controllerOf(k)] += v - busyBefore[k]
	}
	if o.idle > 0 {
		fmt.Printf("  counting reconciles over %s idle...\n", o.idle)
		select {
		case <-ctx.Done():
			return p, fmt.Errorf("waiting idle: %w", ctx.Err())
		case <-time.After(o.idle):
		}
		after, err := reconciles(ctx, env.metrics)
		if err != nil {
			return p, err
		}
		p.idle = map[string]float64{}
		for k, v := range after {
			if d := v - before[k]; d > 0 {
				p.idle[k] = d
			}
		}
	}
	if p.rss, err = peakRSS(child.cmd.Process.Pid); err != nil {
		return p, err
	}
	return p, nil
}

// floorRun times a plain client doing the manager's work (see floor) on a
// fresh control plane with no manager and no webhooks; with statuses, the
// two status writes per space too.
func floorRun(ctx context.Context, o options, statuses bool) (phase, error) {
	var p phase
	name, phaseName := "floor", "floor"
	if statuses {
		name, phaseName = "floor + statuses", "floor-statuses"
	}
	fmt.Printf("  %s run: starting a local control plane (no nodes, fast storage)...\n", name)
	env, err := startControlPlane(ctx, o)
	if err != nil {
		return p, err
	}
	defer env.stop()
	v, mw := webhook.Configurations(webhook.URLClientConfig(env.m.URL(), nil))
	for _, obj := range []client.Object{v, mw} {
		if err := env.c.Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
			return p, fmt.Errorf("removing webhook configuration: %w", err)
		}
	}
	// No manager runs: the account is only stored (the floor reads its
	// name, labels and space role).
	env.account = &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}
	env.account.Spec.Subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: tenantGroup}}
	env.account.Spec.Space.Templates = []landfallv1alpha1.TemplateReference{{Name: tenancy.BaselineTemplateName}}
	if err := env.c.Create(ctx, env.account); err != nil {
		return p, fmt.Errorf("creating account: %w", err)
	}
	if o.warmup > 0 {
		if _, err := floor(ctx, env.c, env.account, "warm", o.warmup, o.workers, statuses); err != nil {
			return p, err
		}
	}
	fmt.Printf("  applying the same objects with a plain client (the %s)...\n", name)
	m, err := startMeter(ctx, env, controlPlane(env.cluster), o.profile, phaseName)
	if err != nil {
		return p, err
	}
	if p.elapsed, err = floor(ctx, env.c, env.account, "floor", o.spaces, o.workers, statuses); err != nil {
		return p, err
	}
	if err := m.stop(ctx, &p); err != nil {
		return p, err
	}
	return p, nil
}

// meter measures the timed part of a run: the CPU seconds of procs, the
// machine's CPU steal, the API server's requests and, with a profile
// directory, a CPU profile of the API server.
type meter struct {
	env     *controlPlaneEnv
	procs   map[string]string
	cpu     map[string]float64
	sys     benchproc.SystemCPU
	reqs    map[string]float64
	profile <-chan struct{}
}

// startMeter starts measuring; phase names the profile.
func startMeter(ctx context.Context, env *controlPlaneEnv, procs map[string]string, profileDir, phase string) (*meter, error) {
	m := &meter{env: env, procs: procs, cpu: cpuOf(procs)}
	var err error
	if m.sys, err = benchproc.ReadSystemCPU(); err != nil {
		return nil, err
	}
	if m.reqs, err = apiRequests(ctx, env.admin); err != nil {
		return nil, err
	}
	m.profile = profileAPIServer(ctx, env.admin, profileDir, phase)
	return m, nil
}

// stop records what was measured since startMeter into p, once the
// profile is written.
func (m *meter) stop(ctx context.Context, p *phase) error {
	p.cpu = cpuOf(m.procs)
	for name := range p.cpu {
		p.cpu[name] -= m.cpu[name]
	}
	sys, err := benchproc.ReadSystemCPU()
	if err != nil {
		return err
	}
	p.steal = benchproc.StealShare(m.sys, sys)
	p.cpuBusy = benchproc.BusyShare(m.sys, sys)
	if p.reqs, err = apiRequests(ctx, m.env.admin); err != nil {
		return err
	}
	for k := range p.reqs {
		p.reqs[k] -= m.reqs[k]
	}
	<-m.profile
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
// only stored. With statuses it also writes what the manager writes once
// the space is done: the TemplateInstance's status and the Space's, each
// a merge patch of the status subresource, so every Space ends Ready.
func floor(ctx context.Context, c client.Client, account *landfallv1alpha1.Account, prefix string, n, workers int, statuses bool) (time.Duration, error) {
	tpl := tenancy.Baseline()
	start := time.Now()
	err := benchproc.Parallel(ctx, n, workers, func(ctx context.Context, i int) error {
		name := fmt.Sprintf("%s-%05d", prefix, i)
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
			WithSubjects(rbacv1ac.Subject().WithKind(rbacv1.GroupKind).WithAPIGroup(rbacv1.GroupName).WithName(tenantGroup))
		if err := c.Apply(ctx, rb, owner, client.ForceOwnership); err != nil {
			return fmt.Errorf("applying role binding in %s: %w", name, err)
		}
		if statuses {
			return writeStatuses(ctx, c, s, tiu, rendered)
		}
		return nil
	})
	return time.Since(start), err
}

// writeStatuses writes the statuses the manager writes for a ready
// space: its TemplateInstance's (inventory, Ready) and the Space's
// (namespace, templates, access, Ready).
func writeStatuses(ctx context.Context, c client.Client, s *landfallv1alpha1.Space, tiu *unstructured.Unstructured, rendered *tenancy.Rendered) error {
	ready := func(reason, msg string, gen int64) []metav1.Condition {
		return []metav1.Condition{{Type: landfallv1alpha1.ReadyCondition, Status: metav1.ConditionTrue, Reason: reason, Message: msg, ObservedGeneration: gen, LastTransitionTime: metav1.Now()}}
	}
	ti := &landfallv1alpha1.TemplateInstance{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(tiu.Object, ti); err != nil {
		return fmt.Errorf("converting template instance: %w", err)
	}
	base := ti.DeepCopy()
	for _, u := range rendered.Objects {
		ti.Status.Inventory = append(ti.Status.Inventory, landfallv1alpha1.ObjectReference{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Name: u.GetName()})
	}
	ti.Status.ObservedGeneration, ti.Status.TemplateGeneration = ti.Generation, 1
	ti.Status.Conditions = ready(landfallv1alpha1.AppliedReason, fmt.Sprintf("%d object(s) of template %s applied", len(rendered.Objects), ti.Spec.Template), ti.Generation)
	if err := c.Status().Patch(ctx, ti, client.MergeFrom(base)); err != nil {
		return fmt.Errorf("patching status of template instance in %s: %w", ti.Namespace, err)
	}
	sb := s.DeepCopy()
	s.Status = landfallv1alpha1.SpaceStatus{ObservedGeneration: s.Generation, Namespace: s.Name, Templates: []string{ti.Name}, AccessGranted: true,
		Conditions: ready(landfallv1alpha1.SpaceReadyReason, fmt.Sprintf("namespace %s ready with 1 template(s), account %s bound", s.Name, s.Spec.Account), s.Generation)}
	if err := c.Status().Patch(ctx, s, client.MergeFrom(sb)); err != nil {
		return fmt.Errorf("patching status of space %s: %w", s.Name, err)
	}
	return nil
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
func startChild(ctx context.Context, m *webhooktest.Manager, caFile, metricsAddr, profileDir string) (*childProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding own executable: %w", err)
	}
	cfg := m.Config()
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(),
		envManager+"=1", envHost+"="+cfg.Host, envCAFile+"="+caFile, envToken+"="+cfg.BearerToken,
		envPort+"="+strconv.Itoa(m.Port()), envCertDir+"="+m.CertDir(), envMetrics+"="+metricsAddr)
	if profileDir != "" {
		cmd.Env = append(cmd.Env, envProfile+"="+filepath.Join(profileDir, "manager.pprof"))
	}
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
	if path := os.Getenv(envProfile); path != "" {
		// The whole life of the manager: its idle minute costs next to
		// nothing.
		stopProfile, err := benchproc.StartCPUProfile(path)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	port, err := strconv.Atoi(os.Getenv(envPort))
	if err != nil {
		return fmt.Errorf("parsing %s: %w", envPort, err)
	}
	// The client settings and the number of workers are landfall manager's.
	cfg := manager.ClientDefaults(&rest.Config{
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

// controlPlane returns the PIDs of the processes whose CPU time the
// benchmark reports: the API server, etcd, the controller manager (whose
// reactions to new namespaces compete for the same cores) and the
// benchmark itself (the clients).
func controlPlane(cluster *localcluster.Cluster) map[string]string {
	out := map[string]string{"clients (bench)": "self"}
	for _, p := range cluster.Processes() {
		if p.Name == "kube-apiserver" || p.Name == "etcd" || p.Name == "kube-controller-manager" {
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

// label returns the value of a label in a Prometheus label set.
func label(labels, name string) string {
	_, rest, ok := strings.Cut(labels, name+`="`)
	if !ok || (len(labels) > len(rest)+len(name)+2 && labels[len(labels)-len(rest)-len(name)-3] != '{' && labels[len(labels)-len(rest)-len(name)-3] != ',') {
		return ""
	}
	value, _, _ := strings.Cut(rest, `"`)
	return value
}
