package delivery

import (
	"cmp"
	"fmt"
	"time"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/exception"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// Gate runs the posture checks on rendered objects and decides whether the
// revision may be applied: it is blocked when a finding that no exception
// suppresses reaches opts.MinSeverity. Exceptions work as in landfall scan:
// config exceptions (opts.Exceptions) and landfall.dev/ignore annotations
// with a landfall.dev/ignore-reason.
func Gate(objs []*posture.Object, opts GateOptions) (*Verdict, error) {
	reg := opts.Registry
	if reg == nil {
		var err error
		if reg, err = checks.Registry(); err != nil {
			return nil, err
		}
	}
	minSev := cmp.Or(opts.MinSeverity, posture.SeverityHigh)
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	matcher := exception.NewMatcher(opts.Exceptions, exception.Options{Now: now, NoAnnotations: opts.NoAnnotations})
	scan := posture.NewScan(reg, posture.RunOptions{})
	for _, o := range objs {
		matcher.Observe(o)
		scan.Add(o)
	}
	v := &Verdict{
		MinSeverity:      minSev.String(),
		Findings:         []posture.Finding{},
		Blocking:         []posture.Finding{},
		CountsByTactic:   map[string]int{},
		CountsBySeverity: map[string]int{},
	}
	for _, f := range scan.Finish() {
		if _, ok := matcher.Match(&f); ok {
			v.Suppressed++
			continue
		}
		v.Findings = append(v.Findings, f)
		v.CountsBySeverity[f.Severity.String()]++
		for _, tactic := range tacticsOf(f.Techniques) {
			v.CountsByTactic[tactic]++
		}
		if f.Severity >= minSev {
			v.Blocking = append(v.Blocking, f)
		}
	}
	v.Blocked = len(v.Blocking) > 0
	return v, nil
}

// tacticsOf returns the Threat Matrix tactic IDs of techniques, each once.
func tacticsOf(techniques []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range techniques {
		t, ok := threatmatrix.TechniqueByID(id)
		if !ok {
			continue
		}
		for _, tactic := range t.Tactics {
			if !seen[tactic] {
				seen[tactic] = true
				out = append(out, tactic)
			}
		}
	}
	return out
}

// Summary says in one line why a verdict blocks, for a condition message:
// the number of blocking findings and the first few, check by check.
func (v *Verdict) Summary() string {
	if !v.Blocked {
		return fmt.Sprintf("passed: %d findings below %s", len(v.Findings), v.MinSeverity)
	}
	msg := fmt.Sprintf("blocked: %d findings at or above %s", len(v.Blocking), v.MinSeverity)
	for i, f := range v.Blocking {
		if i == 3 {
			msg += fmt.Sprintf("; and %d more", len(v.Blocking)-i)
			break
		}
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		msg += sep + f.CheckID + " on " + f.Object.String()
		if f.Source.File != "" {
			msg += " (" + where(f.Source) + ")"
		}
	}
	return msg
}
