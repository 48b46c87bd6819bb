package controller

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestPostureReportReconciler_Metrics checks that the gauges on
// controller-runtime's registry (what the manager's metrics endpoint
// serves) carry the values of the report's status: score, objects,
// completeness, namespaces, last scan, and the findings per severity and
// tactic.
func TestPostureReportReconciler_Metrics(t *testing.T) {
	requireSuite(t)
	g := NewWithT(t)
	report := ensurePostureReport(t)

	g.Eventually(func(g Gomega) {
		var r landfallv1alpha1.PostureReport
		g.Expect(suite.client.Get(t.Context(), client.ObjectKeyFromObject(report), &r)).To(Succeed())
		fams, err := ctrlmetrics.Registry.Gather()
		g.Expect(err).NotTo(HaveOccurred())
		m := map[string]*dto.MetricFamily{}
		for _, f := range fams {
			m[f.GetName()] = f
		}
		s := r.Status
		g.Expect(gaugeValue(m, "landfall_posture_last_scan_timestamp_seconds", nil)).To(BeEquivalentTo(s.LastScanTime.Unix()), "same scan")
		g.Expect(gaugeValue(m, "landfall_posture_score", nil)).To(BeEquivalentTo(*s.Score))
		g.Expect(gaugeValue(m, "landfall_posture_objects", nil)).To(BeEquivalentTo(s.Objects))
		g.Expect(gaugeValue(m, "landfall_posture_kinds_not_assessed", nil)).To(BeEquivalentTo(len(s.Completeness.NotAssessed)))
		g.Expect(gaugeValue(m, "landfall_posture_namespaces_with_findings", nil)).To(BeEquivalentTo(s.Namespaces))

		bySeverity := map[string]float64{}
		byTactic := map[string]float64{}
		findings := m["landfall_posture_findings"]
		g.Expect(findings).NotTo(BeNil())
		g.Expect(findings.GetMetric()).To(HaveLen(4*11), "every severity of every tactic and Unmapped")
		for _, metric := range findings.GetMetric() {
			labels := labelMap(metric)
			bySeverity[labels["severity"]] += metric.GetGauge().GetValue()
			byTactic[labels["tactic"]] += metric.GetGauge().GetValue()
		}
		g.Expect(bySeverity).To(Equal(map[string]float64{
			"critical": float64(s.Severities.Critical), "high": float64(s.Severities.High),
			"medium": float64(s.Severities.Medium), "low": float64(s.Severities.Low),
		}))
		for _, tc := range s.Tactics {
			g.Expect(byTactic[tc.ID]).To(BeEquivalentTo(tc.Findings), "tactic %s", tc.ID)
			g.Expect(gaugeValue(m, "landfall_posture_findings", map[string]string{"severity": "critical", "tactic": tc.ID})).To(BeEquivalentTo(tc.Critical))
		}

		g.Expect(m["landfall_posture_scan_duration_seconds"].GetMetric()[0].GetHistogram().GetSampleCount()).To(BeNumerically(">=", 1))
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())
}

// gaugeValue returns the value of the gauge with exactly the labels, or
// -1.
func gaugeValue(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	for _, m := range fams[name].GetMetric() {
		got := labelMap(m)
		if len(got) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			match = match && got[k] == v
		}
		if match {
			return m.GetGauge().GetValue()
		}
	}
	return -1
}

func labelMap(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}
