package report

import (
	"github.com/landfall-dev/landfall/internal/posture"
)

// UnmappedTactic is the tactic ID Summarize counts findings under when
// their techniques are in no tactic.
const UnmappedTactic = unmappedTactic

// scoreWeights weigh the findings of each severity in Score.
var scoreWeights = map[posture.Severity]int{
	posture.SeverityCritical: 10,
	posture.SeverityHigh:     5,
	posture.SeverityMedium:   2,
	posture.SeverityLow:      1,
}

// Summary counts a set of findings per severity and per Threat Matrix
// tactic.
type Summary struct {
	// Findings counts the findings.
	Findings int
	// BySeverity counts the findings per severity.
	BySeverity map[posture.Severity]int
	// Tactics are the tactics with findings, in matrix order, then
	// UnmappedTactic. Each finding counts under its first tactic, the one
	// the table format groups it under, so the counts add up to Findings.
	Tactics []TacticCount
}

// TacticCount is the findings under one tactic.
type TacticCount struct {
	// ID is the tactic's slug, or UnmappedTactic.
	ID string
	// Name is the tactic's name.
	Name string
	// Findings counts the findings.
	Findings int
	// BySeverity counts the findings per severity.
	BySeverity map[posture.Severity]int
}

// Summarize counts fs per severity and per tactic.
func Summarize(fs []posture.Finding) Summary {
	c := loadCatalog()
	s := Summary{Findings: len(fs), BySeverity: map[posture.Severity]int{}}
	byTactic := map[string]*TacticCount{}
	for i := range fs {
		f := &fs[i]
		s.BySeverity[f.Severity]++
		id := unmappedTactic
		if tactics := c.tacticsOf(f.Techniques); len(tactics) > 0 {
			id = tactics[0]
		}
		tc := byTactic[id]
		if tc == nil {
			tc = &TacticCount{ID: id, Name: c.tacticName(id), BySeverity: map[posture.Severity]int{}}
			byTactic[id] = tc
		}
		tc.Findings++
		tc.BySeverity[f.Severity]++
	}
	for _, t := range c.tactics {
		if tc := byTactic[t.ID]; tc != nil {
			s.Tactics = append(s.Tactics, *tc)
		}
	}
	if tc := byTactic[unmappedTactic]; tc != nil {
		s.Tactics = append(s.Tactics, *tc)
	}
	return s
}

// Score rates findings against the objects they were found in, from 0 to
// 100: 100 × objects / (objects + weighted findings), with weights
// critical 10, high 5, medium 2 and low 1, rounded down. No findings score
// 100; weighted findings equal to the objects score 50. It is a trend to
// watch over time or compare between namespaces of similar make-up, not a
// compliance percentage. With no objects it is 100 without findings and 0
// with.
func Score(bySeverity map[posture.Severity]int, objects int) int {
	weighted := 0
	for s, n := range bySeverity {
		weighted += scoreWeights[s] * n
	}
	if weighted == 0 {
		return 100
	}
	if objects <= 0 {
		return 0
	}
	return 100 * objects / (objects + weighted)
}
