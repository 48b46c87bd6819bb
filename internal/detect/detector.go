package detect

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
)

// Sink receives alerts: a writer of table rows or JSON lines, or, in the
// manager, a writer of Kubernetes Events (see KubeEvent). Write is called
// with the Detector's lock held, one alert at a time.
type Sink interface {
	Write(a Alert) error
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(a Alert) error

// Write calls f.
func (f SinkFunc) Write(a Alert) error { return f(a) }

// MaxMalformedKept is how many malformed lines a Detector remembers for
// its report; it counts them all.
const MaxMalformedKept = 100

// Detector feeds events from any number of sources through one Engine
// into sinks. It is safe for concurrent use: a webhook server calls it
// from many requests. It implements Handler.
type Detector struct {
	mu        sync.Mutex
	engine    *Engine
	sinks     []Sink
	metrics   *Metrics
	buf       []Alert
	malformed []Malformed
	nMal      int64
	sinkErr   error

	// OnMalformed, when set, is called for each malformed line, for
	// example to print a warning as it happens.
	OnMalformed func(Malformed)
}

// NewDetector returns a detector writing the alerts of engine to sinks.
// metrics may be nil.
func NewDetector(engine *Engine, metrics *Metrics, sinks ...Sink) *Detector {
	return &Detector{engine: engine, sinks: sinks, metrics: metrics}
}

// Event runs the rules on one event and writes its alerts to the sinks.
// The first sink error is kept (see Err); the other sinks still get the
// alert.
func (d *Detector) Event(ev *Event, pos Position) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.buf = d.engine.Process(d.buf[:0], ev, pos)
	if d.metrics != nil {
		d.metrics.events.Add(1)
	}
	for _, a := range d.buf {
		if d.metrics != nil {
			d.metrics.alert(a.Rule)
		}
		for _, s := range d.sinks {
			if err := s.Write(a); err != nil && d.sinkErr == nil {
				d.sinkErr = fmt.Errorf("writing alert: %w", err)
			}
		}
	}
}

// Malformed counts a malformed line and keeps the first MaxMalformedKept.
func (d *Detector) Malformed(m Malformed) {
	d.mu.Lock()
	d.nMal++
	if len(d.malformed) < MaxMalformedKept {
		d.malformed = append(d.malformed, m)
	}
	cb := d.OnMalformed
	d.mu.Unlock()
	if d.metrics != nil {
		d.metrics.malformed.Add(1)
	}
	if cb != nil {
		cb(m)
	}
}

// MalformedLines returns how many malformed lines were seen and the first
// MaxMalformedKept of them.
func (d *Detector) MalformedLines() (int64, []Malformed) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nMal, append([]Malformed(nil), d.malformed...)
}

// Err returns the first sink error.
func (d *Detector) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sinkErr
}

// Stats returns the engine's counters.
func (d *Detector) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.engine.Stats()
}

// Summary returns the engine's per-tactic summary.
func (d *Detector) Summary() []TacticSummary {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.engine.Summary()
}

// WriteSummary prints the per-tactic summary and the counts of events,
// alerts and malformed lines as a table.
func (d *Detector) WriteSummary(w io.Writer) error {
	stats := d.Stats()
	nMal, _ := d.MalformedLines()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nSummary: %d events, %d alerts, %d allow-listed, %d malformed lines\n", stats.Events, stats.Alerts, stats.Allowed, nMal)
	sum := d.Summary()
	if len(sum) > 0 {
		fmt.Fprintln(tw, "TACTIC\tALERTS\tRULES")
		for _, s := range sum {
			fmt.Fprintf(tw, "%s\t%d\t%s\n", s.Name, s.Alerts, strings.Join(s.Rules, ", "))
		}
	}
	return tw.Flush()
}

// JSONLinesSink writes each alert as one line of JSON, for SIEMs.
func JSONLinesSink(w io.Writer) Sink {
	return SinkFunc(func(a Alert) error {
		data, err := a.MarshalJSON()
		if err != nil {
			return err
		}
		_, err = w.Write(append(data, '\n'))
		return err
	})
}

// TableSink writes each alert as a row of fixed-width columns as it comes,
// after a header row.
func TableSink(w io.Writer) Sink {
	header := false
	return SinkFunc(func(a Alert) error {
		if !header {
			header = true
			if _, err := fmt.Fprintf(w, "%-20s %-8s %-32s %-24s %-10s %-40s %s\n",
				"TIME", "SEVERITY", "RULE", "USER", "VERB", "OBJECT", "MESSAGE"); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintf(w, "%-20s %-8s %-32s %-24s %-10s %-40s %s\n",
			a.Time.UTC().Format("2006-01-02T15:04:05Z"), a.Severity, a.Rule, a.User, a.Verb, a.Object(), a.Message)
		return err
	})
}

// Metrics are Prometheus counters of a Detector, written in the text
// exposition format by WriteTo. Writing the format directly keeps the
// client library out of the binary for three counters.
type Metrics struct {
	events    atomic.Int64
	malformed atomic.Int64
	mu        sync.Mutex
	alerts    map[string]*atomic.Int64
	severity  map[string]string
}

// NewMetrics returns counters for the rules of reg, all starting at zero
// so that every rule shows up before it first fires.
func NewMetrics(reg *Registry) *Metrics {
	m := &Metrics{alerts: map[string]*atomic.Int64{}, severity: map[string]string{}}
	for _, r := range reg.All() {
		m.alerts[r.ID] = new(atomic.Int64)
		m.severity[r.ID] = r.Severity.String()
	}
	return m
}

func (m *Metrics) alert(rule string) {
	m.mu.Lock()
	c := m.alerts[rule]
	m.mu.Unlock()
	if c != nil {
		c.Add(1)
	}
}

// WriteTo writes the counters in the Prometheus text format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("# HELP landfall_detect_events_total Audit events received.\n# TYPE landfall_detect_events_total counter\n")
	fmt.Fprintf(&b, "landfall_detect_events_total %d\n", m.events.Load())
	b.WriteString("# HELP landfall_detect_malformed_events_total Audit lines or items that could not be decoded.\n# TYPE landfall_detect_malformed_events_total counter\n")
	fmt.Fprintf(&b, "landfall_detect_malformed_events_total %d\n", m.malformed.Load())
	b.WriteString("# HELP landfall_detect_alerts_total Alerts raised, per rule.\n# TYPE landfall_detect_alerts_total counter\n")
	m.mu.Lock()
	ids := make([]string, 0, len(m.alerts))
	for id := range m.alerts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "landfall_detect_alerts_total{rule=%q,severity=%q} %d\n", id, m.severity[id], m.alerts[id].Load())
	}
	m.mu.Unlock()
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// ErrNoRules is returned when a selection leaves no rule to run.
var ErrNoRules = errors.New("no rule left to run")
