package deliveryenv

import (
	"fmt"
	"math"
	"strings"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// VerdictToAPI returns the status form of the gate's verdict on a
// revision: counts per tactic in matrix order and at most
// MaxGateFindings blocking findings.
func VerdictToAPI(revision string, v *delivery.Verdict) *landfallv1alpha1.GateVerdict {
	out := &landfallv1alpha1.GateVerdict{
		Revision:    revision,
		Blocked:     v.Blocked,
		MinSeverity: v.MinSeverity,
		Findings:    clamp(len(v.Findings)),
		Excepted:    clamp(v.Suppressed),
	}
	for _, t := range threatmatrix.Tactics() {
		if n := v.CountsByTactic[t.ID]; n > 0 {
			out.Tactics = append(out.Tactics, landfallv1alpha1.TacticCount{Tactic: t.ID, Count: clamp(n)})
		}
	}
	for i := range v.Blocking {
		if len(out.Blocking) == landfallv1alpha1.MaxGateFindings {
			break
		}
		out.Blocking = append(out.Blocking, FindingToAPI(&v.Blocking[i]))
	}
	return out
}

// FindingToAPI returns the status form of a finding.
func FindingToAPI(f *posture.Finding) landfallv1alpha1.GateFinding {
	src := f.Source.File
	if src != "" && f.Source.Line > 0 {
		src = fmt.Sprintf("%s:%d", src, f.Source.Line)
	}
	return landfallv1alpha1.GateFinding{
		Check:    f.CheckID,
		Severity: f.Severity.String(),
		Object:   f.Object.String(),
		Source:   src,
		Path:     f.Path,
		Message:  f.Message,
	}
}

// BlockedMessage says why the gate blocked a revision, naming the first
// findings.
func BlockedMessage(revision string, v *delivery.Verdict) string {
	var parts []string
	for i := range v.Blocking {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(v.Blocking)-3))
			break
		}
		f := &v.Blocking[i]
		parts = append(parts, fmt.Sprintf("%s (%s) on %s", f.CheckID, f.Severity, f.Object))
	}
	return fmt.Sprintf("gate blocked revision %s: %d finding(s) at or above %s: %s",
		Short(revision), len(v.Blocking), v.MinSeverity, strings.Join(parts, ", "))
}

// HealthToAPI returns the status form of the engine's health.
func HealthToAPI(h *delivery.Health) *landfallv1alpha1.HealthStatus {
	if h == nil {
		return &landfallv1alpha1.HealthStatus{Status: landfallv1alpha1.HealthUnknown}
	}
	if h.Healthy {
		return &landfallv1alpha1.HealthStatus{Status: landfallv1alpha1.HealthHealthy}
	}
	status := landfallv1alpha1.HealthProgressing
	var parts []string
	for _, o := range h.Objects {
		if o.Status == "Failed" {
			status = landfallv1alpha1.HealthUnhealthy
		}
		if len(parts) < 5 {
			p := o.Object.String() + " " + o.Status
			if o.Message != "" {
				p += ": " + o.Message
			}
			parts = append(parts, p)
		}
	}
	if len(h.Objects) > len(parts) {
		parts = append(parts, fmt.Sprintf("and %d more", len(h.Objects)-len(parts)))
	}
	return &landfallv1alpha1.HealthStatus{Status: status, Message: strings.Join(parts, "; ")}
}

// DriftOf returns the drifted objects among a diff of the applied
// revision: objects that would be created (deleted by hand) or updated
// (changed by hand). Objects the diff would prune are not drift.
func DriftOf(changes []delivery.Change) []string {
	var out []string
	for _, c := range changes {
		if c.Action == delivery.ActionCreate || c.Action == delivery.ActionUpdate {
			out = append(out, c.Object.String())
		}
	}
	return out
}

func clamp(n int) int32 {
	return int32(min(n, math.MaxInt32)) //nolint:gosec // G115: clamped to MaxInt32 first
}
