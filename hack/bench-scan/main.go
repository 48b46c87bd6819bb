package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/landfall-dev/landfall/hack/internal/benchproc"
	"github.com/landfall-dev/landfall/internal/cli/scan"
)

// Modes of a child process.
const (
	modeBaseline = "baseline"
	modeScan     = "scan"
)

// measurement is what a child reports on its stdout.
type measurement struct {
	Objects int     `json:"objects"`
	Seconds float64 `json:"seconds"`
	// Findings counts the scan's findings; 0 for the baseline.
	Findings int `json:"findings"`
	// HWMKiB is the child's VmHWM at the end, in KiB.
	HWMKiB int64 `json:"hwmKiB"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		objects = flag.String("objects", "10000,100000", "corpus sizes, comma-separated")
		workers = flag.Int("workers", 2, "decode goroutines of the baseline")
		keep    = flag.Bool("keep", false, "keep the generated corpora")
		mode    = flag.String("mode", "", "internal: run one measurement in this process (baseline|scan)")
		dir     = flag.String("dir", "", "internal: corpus directory of -mode")
		memprof = flag.String("memprofile", "", "with -mode: write a heap profile to `FILE` at the end")
	)
	flag.Parse()
	if *mode != "" {
		if err := child(*mode, *dir, *workers); err != nil {
			return err
		}
		return writeHeapProfile(*memprof)
	}

	var sizes []int
	for s := range strings.SplitSeq(*objects, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("-objects: %q is not a positive number", s)
		}
		sizes = append(sizes, n)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding own executable: %w", err)
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "objects\tfiles\tMiB\tmeasurement\tfindings\tseconds\tobjects/s\tpeak RSS MiB\tscan/baseline\t")
	for _, n := range sizes {
		tmp, err := os.MkdirTemp("", "landfall-bench-")
		if err != nil {
			return fmt.Errorf("creating corpus directory: %w", err)
		}
		c, err := generate(tmp, n)
		if err != nil {
			return err
		}
		base, err := measure(self, modeBaseline, tmp, *workers)
		if err != nil {
			return err
		}
		sc, err := measure(self, modeScan, tmp, *workers)
		if err != nil {
			return err
		}
		mib := float64(c.Bytes) / (1 << 20)
		fmt.Fprintf(tw, "%d\t%d\t%.1f\tbaseline (decode, %d workers)\t-\t%.2f\t%.0f\t%.1f\t\t\n",
			c.Objects, c.Files, mib, *workers, base.Seconds, base.rate(), base.peakMiB())
		fmt.Fprintf(tw, "%d\t%d\t%.1f\tlandfall scan\t%d\t%.2f\t%.0f\t%.1f\t%.0f%%\t\n",
			c.Objects, c.Files, mib, sc.Findings, sc.Seconds, sc.rate(), sc.peakMiB(), 100*sc.rate()/base.rate())
		if *keep {
			fmt.Fprintf(os.Stderr, "corpus of %d objects kept in %s\n", n, tmp)
		} else if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("removing corpus: %w", err)
		}
	}
	return tw.Flush()
}

// result is a child's measurement with the peak RSS the kernel reported.
type result struct {
	measurement
	MaxRSSKiB int64
}

func (r result) rate() float64 { return float64(r.Objects) / r.Seconds }

// peakMiB is the larger of rusage maxrss and VmHWM.
func (r result) peakMiB() float64 { return benchproc.PeakMiB(r.MaxRSSKiB, r.HWMKiB) }

// measure runs one measurement in a child process and reads its peak RSS.
func measure(self, mode, dir string, workers int) (result, error) {
	var r result
	var err error
	r.MaxRSSKiB, err = benchproc.Run(self, &r.measurement, "-mode", mode, "-dir", dir, "-workers", strconv.Itoa(workers))
	return r, err
}

// child runs one measurement and prints it as JSON.
func child(mode, dir string, workers int) error {
	var (
		n, findings int
		elapsed     time.Duration
		err         error
	)
	switch mode {
	case modeBaseline:
		start := time.Now()
		n, err = baseline(dir, workers)
		elapsed = time.Since(start)
	case modeScan:
		n, findings, elapsed, err = landfallScan(dir)
	default:
		return fmt.Errorf("unknown -mode %q", mode)
	}
	if err != nil {
		return err
	}
	m := measurement{Objects: n, Findings: findings, Seconds: elapsed.Seconds(), HWMKiB: benchproc.SelfHWMKiB()}
	return json.NewEncoder(os.Stdout).Encode(m)
}

// baseline reads and decodes every manifest under dir into unstructured
// objects on workers goroutines, and does nothing else with them.
func baseline(dir string, workers int) (int, error) {
	files := make(chan string, 64)
	var (
		count atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  []error
	)
	for range workers {
		wg.Go(func() {
			for file := range files {
				n, err := decodeFile(file)
				count.Add(int64(n))
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	walkErr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files <- p
		}
		return nil
	})
	close(files)
	wg.Wait()
	return int(count.Load()), errors.Join(append(errs, walkErr)...)
}

// decodeFile decodes the YAML documents of one file into unstructured
// objects and counts them.
func decodeFile(file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	n := 0
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, fmt.Errorf("decoding %s: %w", file, err)
		}
		if u.Object != nil {
			n++
		}
	}
}

// landfallScan runs `landfall scan -o json` on dir in this process, writing
// the report to a temporary file, and returns the number of objects scanned
// and findings (read back from the report, after the clock stops) and the
// time the command took.
func landfallScan(dir string) (objects, findings int, elapsed time.Duration, err error) {
	report, err := os.CreateTemp("", "landfall-bench-*.json")
	if err != nil {
		return 0, 0, 0, err
	}
	report.Close()
	defer os.Remove(report.Name())
	cmd := scan.Command()
	cmd.SetArgs([]string{"-o", "json", "--out", report.Name(), dir})
	cmd.SetOut(io.Discard)
	start := time.Now()
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		return 0, 0, 0, fmt.Errorf("landfall scan: %w", err)
	}
	elapsed = time.Since(start)
	data, err := os.ReadFile(report.Name())
	if err != nil {
		return 0, 0, 0, err
	}
	var doc struct {
		Summary struct {
			Objects  int `json:"objects"`
			Findings int `json:"findings"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, 0, 0, fmt.Errorf("reading scan report: %w", err)
	}
	return doc.Summary.Objects, doc.Summary.Findings, elapsed, nil
}

// writeHeapProfile writes a heap profile to file, if one is named.
func writeHeapProfile(file string) error {
	if file == "" {
		return nil
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("creating heap profile: %w", err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing heap profile: %w", err)
	}
	return f.Close()
}
