package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/landfall-dev/landfall/hack/internal/benchproc"
	"github.com/landfall-dev/landfall/internal/cli/detect"
)

// Modes of a child process.
const (
	modeBaseline = "baseline"
	modeDetect   = "detect"
)

// measurement is what a child reports on its stdout.
type measurement struct {
	Events  int     `json:"events"`
	Seconds float64 `json:"seconds"`
	// Alerts counts the alert lines detect wrote; 0 for the baseline.
	Alerts int `json:"alerts"`
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
		events = flag.Int("events", 1000000, "number of audit events to generate")
		keep   = flag.Bool("keep", false, "keep the generated audit log")
		mode   = flag.String("mode", "", "internal: run one measurement in this process (baseline|detect)")
		file   = flag.String("file", "", "internal: audit log of -mode")
	)
	flag.Parse()
	if *mode != "" {
		return child(*mode, *file)
	}
	if *events <= 0 {
		return fmt.Errorf("-events: must be positive, got %d", *events)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding own executable: %w", err)
	}
	tmp, err := os.MkdirTemp("", "landfall-bench-detect-")
	if err != nil {
		return fmt.Errorf("creating corpus directory: %w", err)
	}
	log := filepath.Join(tmp, "audit.log")
	start := time.Now()
	size, err := generate(log, *events)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "generated %d events (%.0f MiB) in %s\n", *events, float64(size)/(1<<20), time.Since(start).Round(time.Millisecond))
	base, err := measure(self, modeBaseline, log)
	if err != nil {
		return err
	}
	det, err := measure(self, modeDetect, log)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "events\tMiB\tmeasurement\talerts\tseconds\tevents/s\tpeak RSS MiB\tdetect/baseline\t")
	mib := float64(size) / (1 << 20)
	fmt.Fprintf(tw, "%d\t%.0f\tbaseline (json.Unmarshal into auditv1.Event)\t-\t%.2f\t%.0f\t%.1f\t\t\n",
		base.Events, mib, base.Seconds, base.rate(), base.peakMiB())
	fmt.Fprintf(tw, "%d\t%.0f\tlandfall detect (%s)\t%d\t%.2f\t%.0f\t%.1f\t%.0f%%\t\n",
		det.Events, mib, "all rules", det.Alerts, det.Seconds, det.rate(), det.peakMiB(), 100*det.rate()/base.rate())
	if err := tw.Flush(); err != nil {
		return err
	}
	if *keep {
		fmt.Fprintf(os.Stderr, "audit log kept in %s\n", log)
		return nil
	}
	return os.RemoveAll(tmp)
}

// result is a child's measurement with the peak RSS the kernel reported.
type result struct {
	measurement
	MaxRSSKiB int64
}

func (r result) rate() float64 { return float64(r.Events) / r.Seconds }

// peakMiB is the larger of rusage maxrss and VmHWM.
func (r result) peakMiB() float64 { return benchproc.PeakMiB(r.MaxRSSKiB, r.HWMKiB) }

// measure runs one measurement in a child process and reads its peak RSS.
func measure(self, mode, file string) (result, error) {
	var r result
	var err error
	r.MaxRSSKiB, err = benchproc.Run(self, &r.measurement, "-mode", mode, "-file", file)
	return r, err
}

// child runs one measurement and prints it as JSON.
func child(mode, file string) error {
	var (
		m   measurement
		err error
	)
	start := time.Now()
	switch mode {
	case modeBaseline:
		m.Events, err = baseline(file)
	case modeDetect:
		m.Events, m.Alerts, err = landfallDetect(file)
	default:
		return fmt.Errorf("unknown -mode %q", mode)
	}
	if err != nil {
		return err
	}
	m.Seconds = time.Since(start).Seconds()
	m.HWMKiB = benchproc.SelfHWMKiB()
	return json.NewEncoder(os.Stdout).Encode(m)
}

// baseline decodes every line of file into the upstream audit Event type
// and does nothing else with it.
func baseline(file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(bufio.NewReaderSize(f, 256<<10))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		var ev auditv1.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return n, fmt.Errorf("%s:%d: %w", file, n+1, err)
		}
		n++
	}
	return n, sc.Err()
}

// lineCounter counts the lines written to it and discards them.
type lineCounter struct{ n atomic.Int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n.Add(int64(bytes.Count(p, []byte{'\n'})))
	return len(p), nil
}

// landfallDetect runs `landfall detect -o json --no-summary FILE` in this
// process and returns the events read (counted from the file's lines, so
// as not to reach into the command) and the alerts written.
func landfallDetect(file string) (events, alerts int, err error) {
	out := &lineCounter{}
	var stderr strings.Builder
	cmd := detect.Command()
	cmd.SetArgs([]string{"-o", "json", "--no-summary", file})
	cmd.SetOut(out)
	cmd.SetErr(&stderr)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		return 0, 0, fmt.Errorf("landfall detect: %w: %s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		return 0, 0, fmt.Errorf("landfall detect reported: %s", stderr.String())
	}
	n, err := countLines(file)
	return n, int(out.n.Load()), err
}

// countLines counts the lines of file, reading it in chunks.
func countLines(file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	c := &lineCounter{}
	if _, err := io.CopyBuffer(c, f, make([]byte, 1<<20)); err != nil {
		return 0, err
	}
	return int(c.n.Load()), nil
}
