package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/landfall-dev/landfall/hack/internal/benchproc"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

// target is the largest acceptable ratio of the scan's time to the
// floor's.
const target = 1.3

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	namespaces int
	workers    int
	rounds     int
	landfall   string
	dir        string
	cpuprofile string
	hold       bool
}

func run() error {
	var o options
	flag.IntVar(&o.namespaces, "namespaces", 200, fmt.Sprintf("namespaces to fill, %d objects each", perNamespace))
	flag.IntVar(&o.workers, "workers", 32, "parallel creates while filling")
	flag.IntVar(&o.rounds, "rounds", 3, "measurement rounds (the median is reported)")
	flag.StringVar(&o.landfall, "landfall", "", "landfall binary to measure; empty builds ./cmd/landfall into a temporary directory")
	flag.StringVar(&o.dir, "dir", "", "keep the control plane's data in `DIR` and reuse it (and its objects) on the next run; empty: a fresh temporary cluster")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the first live.Scan measurement to `FILE`")
	flag.BoolVar(&o.hold, "hold", false, "fill the cluster, print its kubeconfig and keep it running until interrupted, measuring nothing (for profiling by hand)")
	var co childOptions
	flag.StringVar(&co.mode, "mode", "", "internal: run one measurement in this process (floor|bodies|live)")
	flag.StringVar(&co.kubeconfig, "kubeconfig", "", "internal: kubeconfig of -mode")
	flag.StringVar(&co.resources, "resources", "", "internal: resources of -mode floor|bodies, resource.group/version, comma-separated")
	flag.Parse()
	if co.mode != "" {
		co.cpuprofile = o.cpuprofile
		return child(co)
	}
	if o.namespaces < 1 || o.rounds < 1 {
		return errors.New("-namespaces and -rounds must be positive")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return bench(ctx, o)
}

func bench(ctx context.Context, o options) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding own executable: %w", err)
	}
	tmp, err := os.MkdirTemp("", "landfall-bench-live-")
	if err != nil {
		return fmt.Errorf("creating temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := o.landfall
	if bin == "" {
		bin = filepath.Join(tmp, "landfall")
		fmt.Printf("building landfall...\n")
		build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/landfall")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building landfall (run from the repository root): %w", err)
		}
	}

	fmt.Printf("starting a local control plane (no nodes, fast storage)...\n")
	cluster, err := localcluster.Start(ctx, localcluster.Options{
		Dir: o.dir, FastStorage: true,
		// 1,600 Services need more cluster IPs than the default /24; the
		// range keeps its first address, the kubernetes Service's.
		APIServerArgs: []string{"--service-cluster-ip-range=10.0.0.0/16"},
	})
	if err != nil {
		return fmt.Errorf("starting local control plane: %w", err)
	}
	defer func() { _ = cluster.Stop() }()
	if err := ensureFilled(ctx, cluster.AdminConfig(), o); err != nil {
		return err
	}

	kubeconfig := cluster.AdminKubeconfig()
	if o.hold {
		fmt.Printf("holding the control plane until interrupted; kubeconfig: %s\n", kubeconfig)
		<-ctx.Done()
		return nil
	}
	fmt.Printf("checking that the floor lists what the scan lists...\n")
	kinds, findings, err := scanKinds(ctx, bin, kubeconfig, tmp)
	if err != nil {
		return err
	}
	var resources []string
	for _, k := range kinds {
		if k.Status != string(live.StateAssessed) {
			return fmt.Errorf("the scan did not assess %s: %s", k.Kind, k.Status)
		}
		resources = append(resources, k.Resource)
	}
	m := &measurer{self: self, bin: bin, kubeconfig: kubeconfig, resources: resources, server: newServerClock(cluster)}
	var warm childResult
	if _, err := benchproc.Run(self, &warm, m.args(modeFloor)...); err != nil {
		return err
	}
	objects := 0
	for _, k := range kinds {
		if warm.Listed[k.Resource] != k.Listed {
			return fmt.Errorf("%s: the floor listed %d objects, the scan %d (is the cluster still changing?)", k.Resource, warm.Listed[k.Resource], k.Listed)
		}
		objects += k.Listed
	}

	var (
		floorProc  = &series{name: "floor: plain LISTs (process)"}
		scanProc   = &series{name: "landfall scan --cluster -o json (process)"}
		floorIn    = &series{name: "floor: plain LISTs (in the process)"}
		liveIn     = &series{name: "live.Scan (in the process)"}
		bodiesProc = &series{name: "LIST bodies read, not decoded (process)"}
	)
	for round := range o.rounds {
		fmt.Printf("round %d/%d...\n", round+1, o.rounds)
		if _, err := m.child(modeFloor, floorProc, floorIn); err != nil {
			return err
		}
		if err := m.scan(ctx, scanProc); err != nil {
			return err
		}
		var extra []string
		if round == 0 && o.cpuprofile != "" {
			extra = []string{"-cpuprofile", o.cpuprofile}
		}
		r, err := m.child(modeLive, &series{}, liveIn, extra...)
		if err != nil {
			return err
		}
		if r.Listed[""] != objects {
			return fmt.Errorf("live.Scan read %d objects, the floor %d", r.Listed[""], objects)
		}
		if _, err := m.child(modeBodies, bodiesProc, nil); err != nil {
			return err
		}
	}

	fmt.Printf("\nobjects listed  %d in %d kinds (%d namespaces x %d, plus the cluster's own)\n", objects, len(kinds), o.namespaces, perNamespace)
	fmt.Printf("findings        %d\n", findings)
	fmt.Printf("LISTs           page size %d, %d in flight, client QPS %d; median of %d rounds\n\n",
		live.DefaultPageSize, live.DefaultConcurrency, defaultQPS, o.rounds)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "measurement\tmedian s\tmin s\tmax s\tobjects/s\tclient CPU s\tserver CPU s\tpeak RSS MiB\tvs floor\t")
	for _, r := range []struct{ s, floor *series }{
		{floorProc, nil}, {scanProc, floorProc}, {floorIn, nil}, {liveIn, floorIn}, {bodiesProc, floorProc},
	} {
		r.s.row(tw, objects, r.floor)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	ratio := scanProc.wall().Seconds() / floorProc.wall().Seconds()
	fmt.Printf("\nscan/floor %.2fx (target <= %.1fx) %s\n", ratio, target, verdict(ratio <= target))
	fmt.Printf("(the landfall row's peak RSS is the kernel's maxrss, which starts at this process's own peak, %.1f MiB)\n",
		float64(benchproc.SelfHWMKiB())/1024)
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

// measurer runs the measurements.
type measurer struct {
	self, bin, kubeconfig string
	resources             []string
	server                serverClock
}

func (m *measurer) args(mode string) []string {
	return []string{"-mode", mode, "-kubeconfig", m.kubeconfig, "-resources", strings.Join(m.resources, ",")}
}

// child runs this program in a mode and adds a sample to proc (the
// process as a whole) and to in (the time the child measured itself),
// unless in is nil.
func (m *measurer) child(mode string, proc, in *series, extra ...string) (childResult, error) {
	var r childResult
	s0, start := m.server.read(), time.Now()
	if _, err := benchproc.Run(m.self, &r, append(m.args(mode), extra...)...); err != nil {
		return r, err
	}
	wall, srv := time.Since(start), m.server.read()-s0
	cpu := time.Duration(r.CPUSeconds * float64(time.Second))
	// The child's own VmHWM: rusage maxrss starts at this process's peak.
	proc.samples = append(proc.samples, sample{wall: wall, cpu: cpu, server: srv, rssKiB: r.HWMKiB})
	if in != nil {
		in.samples = append(in.samples, sample{wall: time.Duration(r.Seconds * float64(time.Second)), cpu: cpu, server: srv, rssKiB: r.HWMKiB})
	}
	return r, nil
}

// scan runs landfall and adds a sample to s.
func (m *measurer) scan(ctx context.Context, s *series) error {
	s0 := m.server.read()
	x, err := scanChild(ctx, m.bin, m.kubeconfig, nil)
	if err != nil {
		return err
	}
	x.server = m.server.read() - s0
	s.samples = append(s.samples, x)
	return nil
}

// ensureFilled fills the cluster unless a reused one (-dir) already holds
// the namespaces, and waits for the controllers.
func ensureFilled(ctx context.Context, admin *rest.Config, o options) error {
	// No client-side limit while filling, and protobuf to spare the API
	// server the JSON.
	admin.QPS, admin.Burst = -1, 0
	admin.ContentType = "application/vnd.kubernetes.protobuf"
	admin.WarningHandler = rest.NoWarnings{}
	cs, err := kubernetes.NewForConfig(admin)
	if err != nil {
		return fmt.Errorf("creating client: %w", err)
	}
	mc, err := metadata.NewForConfig(admin)
	if err != nil {
		return fmt.Errorf("creating metadata client: %w", err)
	}
	nss, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: benchLabel})
	if err != nil {
		return fmt.Errorf("listing namespaces: %w", err)
	}
	switch len(nss.Items) {
	case 0:
		fmt.Printf("filling %d namespaces with %d objects each (%d workers)...\n", o.namespaces, perNamespace, o.workers)
		start := time.Now()
		if err := fill(ctx, cs, o.namespaces, o.workers); err != nil {
			return err
		}
		fmt.Printf("  created in %s\n", time.Since(start).Round(time.Millisecond))
	case o.namespaces:
		fmt.Printf("reusing the %d namespaces of %s\n", o.namespaces, o.dir)
	default:
		return fmt.Errorf("the cluster of -dir holds %d benchmark namespaces, not %d", len(nss.Items), o.namespaces)
	}
	start := time.Now()
	if err := waitSettled(ctx, mc, o.namespaces); err != nil {
		return err
	}
	fmt.Printf("  controllers done in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// reportKind is a kind of the JSON report's completeness section.
type reportKind struct {
	Kind     string `json:"kind"`
	Resource string `json:"resource"`
	Listed   int    `json:"listed"`
	Status   string `json:"status"`
}

// scanKinds runs the scan once with its report in a file (a warm-up, not
// timed) and returns the kinds it listed and the number of findings.
func scanKinds(ctx context.Context, bin, kubeconfig, tmp string) ([]reportKind, int, error) {
	out := filepath.Join(tmp, "report.json")
	if _, err := scanChild(ctx, bin, kubeconfig, []string{"--out", out}); err != nil {
		return nil, 0, err
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, 0, fmt.Errorf("reading scan report: %w", err)
	}
	var doc struct {
		Summary struct {
			Findings int `json:"findings"`
		} `json:"summary"`
		Completeness struct {
			Kinds []reportKind `json:"kinds"`
		} `json:"completeness"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, 0, fmt.Errorf("decoding scan report: %w", err)
	}
	return doc.Completeness.Kinds, doc.Summary.Findings, nil
}

// scanChild runs `landfall scan --cluster -o json` with its standard
// output to /dev/null and returns its wall time, CPU time and peak RSS.
func scanChild(ctx context.Context, bin, kubeconfig string, extra []string) (sample, error) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return sample{}, fmt.Errorf("opening %s: %w", os.DevNull, err)
	}
	defer null.Close()
	args := append([]string{"scan", "--cluster", "--kubeconfig", kubeconfig, "-o", "json"}, extra...)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = null, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("running landfall %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	s := sample{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.cpu, s.rssKiB = rusageCPU(ru), ru.Maxrss // KiB on Linux
	}
	return s, nil
}
