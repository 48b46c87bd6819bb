package controller

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/report"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// Descriptions of the posture gauges.
var (
	postureFindingsDesc = prometheus.NewDesc("landfall_posture_findings",
		"Findings of the last posture scan per severity and Threat Matrix tactic (each finding under its first tactic; suppressed findings not counted).",
		[]string{"severity", "tactic"}, nil)
	postureScoreDesc = prometheus.NewDesc("landfall_posture_score",
		"Posture score of the last scan, 0 to 100: 100 x objects / (objects + weighted findings).", nil, nil)
	postureObjectsDesc = prometheus.NewDesc("landfall_posture_objects",
		"Objects read by the last posture scan.", nil, nil)
	postureNotAssessedDesc = prometheus.NewDesc("landfall_posture_kinds_not_assessed",
		"Object kinds the last posture scan needed but could not read (forbidden or failed).", nil, nil)
	postureNamespacesDesc = prometheus.NewDesc("landfall_posture_namespaces_with_findings",
		"Namespaces with findings in the last posture scan.", nil, nil)
	postureLastScanDesc = prometheus.NewDesc("landfall_posture_last_scan_timestamp_seconds",
		"Unix time the last successful posture scan ended.", nil, nil)
)

// postureMetrics are the Prometheus metrics of the posture scan, served on
// the manager's metrics endpoint (controller-runtime's registry). The
// gauges describe the last successful scan and are absent until there is
// one (and again once the PostureReport is deleted), so a dashboard never
// shows a score of 0 for "not scanned yet".
type postureMetrics struct {
	duration prometheus.Histogram
	scans    *prometheus.CounterVec

	// tactics are the tactic label values, in matrix order, then
	// report.UnmappedTactic; every (severity, tactic) pair is exported,
	// zero included, so series do not come and go.
	tactics []string

	mu   sync.Mutex
	last *postureSnapshot
}

// postureSnapshot is what the gauges export.
type postureSnapshot struct {
	findings    map[string]map[posture.Severity]int // by tactic
	score       int
	objects     int
	notAssessed int
	namespaces  int
	scanned     time.Time
}

// registeredPostureMetrics registers the metrics once per process: the
// registry is global, and tests start more than one manager.
var registeredPostureMetrics = sync.OnceValue(func() *postureMetrics {
	m := newPostureMetrics()
	ctrlmetrics.Registry.MustRegister(m, m.duration, m.scans)
	return m
})

func newPostureMetrics() *postureMetrics {
	m := &postureMetrics{
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "landfall_posture_scan_duration_seconds",
			Help:    "Duration of successful posture scans (listing and checking, not writing the findings).",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 14), // 50ms to about 7m
		}),
		scans: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "landfall_posture_scans_total",
			Help: "Posture scans by result (success, failure).",
		}, []string{"result"}),
	}
	for _, t := range threatmatrix.Tactics() {
		m.tactics = append(m.tactics, t.ID)
	}
	m.tactics = append(m.tactics, report.UnmappedTactic)
	return m
}

// Describe implements prometheus.Collector for the gauges.
func (m *postureMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{postureFindingsDesc, postureScoreDesc, postureObjectsDesc, postureNotAssessedDesc, postureNamespacesDesc, postureLastScanDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: the gauges of the last scan.
func (m *postureMetrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	last := m.last
	m.mu.Unlock()
	if last == nil {
		return
	}
	for _, tactic := range m.tactics {
		for _, sev := range report.Severities() {
			ch <- prometheus.MustNewConstMetric(postureFindingsDesc, prometheus.GaugeValue, float64(last.findings[tactic][sev]), sev.String(), tactic)
		}
	}
	ch <- prometheus.MustNewConstMetric(postureScoreDesc, prometheus.GaugeValue, float64(last.score))
	ch <- prometheus.MustNewConstMetric(postureObjectsDesc, prometheus.GaugeValue, float64(last.objects))
	ch <- prometheus.MustNewConstMetric(postureNotAssessedDesc, prometheus.GaugeValue, float64(last.notAssessed))
	ch <- prometheus.MustNewConstMetric(postureNamespacesDesc, prometheus.GaugeValue, float64(last.namespaces))
	ch <- prometheus.MustNewConstMetric(postureLastScanDesc, prometheus.GaugeValue, float64(last.scanned.Unix()))
}

// record exports a successful scan.
func (m *postureMetrics) record(s *postureScan, duration time.Duration, now time.Time) {
	if m == nil {
		return
	}
	snap := &postureSnapshot{
		findings:    map[string]map[posture.Severity]int{},
		score:       report.Score(s.summary.BySeverity, s.objects),
		objects:     s.objects,
		notAssessed: len(s.completeness.NotAssessed()),
		namespaces:  len(s.namespaces),
		scanned:     now,
	}
	for _, t := range s.summary.Tactics {
		snap.findings[t.ID] = t.BySeverity
	}
	m.mu.Lock()
	m.last = snap
	m.mu.Unlock()
	m.duration.Observe(duration.Seconds())
	m.scans.WithLabelValues("success").Inc()
}

// failed counts a failed scan; the gauges keep the last success.
func (m *postureMetrics) failed() {
	if m == nil {
		return
	}
	m.scans.WithLabelValues("failure").Inc()
}

// reset drops the gauges: there is no PostureReport.
func (m *postureMetrics) reset() {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.last = nil
	m.mu.Unlock()
}
