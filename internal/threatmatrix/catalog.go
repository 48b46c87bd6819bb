package threatmatrix

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	// techniqueIDPattern matches technique IDs such as "MS-TA9013".
	techniqueIDPattern = regexp.MustCompile(`^MS-TA9\d{3}$`)
	// mitigationIDPattern matches mitigation IDs such as "MS-M9013" and
	// sub-mitigation IDs such as "MS-M9005.003".
	mitigationIDPattern = regexp.MustCompile(`^MS-M9\d{3}(\.\d{3})?$`)
	// attackTechniquePattern matches ATT&CK technique IDs such as "T1611"
	// and "T1078.004".
	attackTechniquePattern = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
)

// allTechniques returns the catalog's techniques (shared, not copied).
func allTechniques() []Technique {
	return slices.Concat(techniquesA, techniquesB)
}

// Tactics returns the ten tactics in matrix order.
func Tactics() []Tactic {
	out := make([]Tactic, len(tactics))
	for i, t := range tactics {
		out[i] = t.clone()
	}
	return out
}

// TacticByID returns the tactic with the given slug ID, for example
// "initial-access".
func TacticByID(id string) (Tactic, bool) {
	for _, t := range tactics {
		if t.ID == id {
			return t.clone(), true
		}
	}
	return Tactic{}, false
}

// Techniques returns every technique, retired ones included, in ID order.
func Techniques() []Technique {
	all := allTechniques()
	out := make([]Technique, len(all))
	for i, t := range all {
		out[i] = t.clone()
	}
	slices.SortFunc(out, func(a, b Technique) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// ActiveTechniques returns the techniques of the current matrix (without
// retired ones) in ID order.
func ActiveTechniques() []Technique {
	return slices.DeleteFunc(Techniques(), func(t Technique) bool { return t.Retired })
}

// TechniqueByID returns the technique with the given ID, retired or not.
func TechniqueByID(id string) (Technique, bool) {
	for _, t := range allTechniques() {
		if t.ID == id {
			return t.clone(), true
		}
	}
	return Technique{}, false
}

// TechniquesByTactic returns the active techniques under a tactic in matrix
// grid order, or nil for an unknown tactic.
func TechniquesByTactic(tacticID string) []Technique {
	tactic, ok := TacticByID(tacticID)
	if !ok {
		return nil
	}
	out := make([]Technique, 0, len(tactic.TechniqueIDs))
	for _, id := range tactic.TechniqueIDs {
		if t, ok := TechniqueByID(id); ok && !t.Retired {
			out = append(out, t)
		}
	}
	return out
}

// Mitigations returns every mitigation, sub-mitigations included, in ID
// order.
func Mitigations() []Mitigation {
	out := make([]Mitigation, len(mitigations))
	for i, m := range mitigations {
		out[i] = m.clone()
	}
	slices.SortFunc(out, func(a, b Mitigation) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// MitigationByID returns the mitigation with the given ID, for example
// "MS-M9013" or "MS-M9005.003".
func MitigationByID(id string) (Mitigation, bool) {
	for _, m := range mitigations {
		if m.ID == id {
			return m.clone(), true
		}
	}
	return Mitigation{}, false
}

// Validate checks the catalog's internal consistency: well-formed, unique
// IDs in order; every tactic, technique and mitigation reference resolves;
// tactic columns and technique tactics agree; retired techniques sit in no
// column; every evidence level is defined. It returns every problem found,
// joined.
func Validate() error {
	return validate(tactics, allTechniques(), mitigations)
}

// validate checks a catalog made of the given parts; tests feed it broken
// copies.
func validate(tactics []Tactic, all []Technique, mitigations []Mitigation) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	tacticIndex := map[string]int{}
	for i, t := range tactics {
		if _, dup := tacticIndex[t.ID]; dup {
			add("duplicate tactic %s", t.ID)
		}
		tacticIndex[t.ID] = i
		if t.Name == "" || t.Description == "" || t.AttackID == "" {
			add("tactic %s: name, description and ATT&CK ID are required", t.ID)
		}
	}

	mitigationIDs := map[string]bool{}
	for i, m := range mitigations {
		if !mitigationIDPattern.MatchString(m.ID) {
			add("mitigation %q: not an MS-M9xxx ID", m.ID)
		}
		if mitigationIDs[m.ID] {
			add("duplicate mitigation %s", m.ID)
		}
		if i > 0 && mitigations[i-1].ID >= m.ID {
			add("mitigation %s: out of ID order", m.ID)
		}
		mitigationIDs[m.ID] = true
		if m.Name == "" {
			add("mitigation %s: name is required", m.ID)
		}
	}
	for _, m := range mitigations {
		if m.Parent != "" && (!mitigationIDs[m.Parent] || !strings.HasPrefix(m.ID, m.Parent+".")) {
			add("mitigation %s: parent %q does not exist or does not prefix the ID", m.ID, m.Parent)
		}
	}

	techniqueByID := map[string]Technique{}
	for i, t := range all {
		errs = append(errs, validateTechnique(t, tacticIndex, mitigationIDs)...)
		if _, dup := techniqueByID[t.ID]; dup {
			add("duplicate technique %s", t.ID)
		}
		if i > 0 && all[i-1].ID >= t.ID {
			add("technique %s: out of ID order", t.ID)
		}
		techniqueByID[t.ID] = t
	}

	// Columns and technique tactics must describe the same cells.
	for _, tactic := range tactics {
		seen := map[string]bool{}
		for _, id := range tactic.TechniqueIDs {
			t, ok := techniqueByID[id]
			switch {
			case !ok:
				add("tactic %s: unknown technique %s", tactic.ID, id)
			case t.Retired:
				add("tactic %s: lists retired technique %s", tactic.ID, id)
			case !slices.Contains(t.Tactics, tactic.ID):
				add("tactic %s lists %s, which does not name the tactic", tactic.ID, id)
			case seen[id]:
				add("tactic %s: lists %s twice", tactic.ID, id)
			}
			seen[id] = true
		}
	}
	for _, t := range all {
		for _, tid := range t.Tactics {
			if i, ok := tacticIndex[tid]; ok && !slices.Contains(tactics[i].TechniqueIDs, t.ID) {
				add("technique %s names tactic %s, whose column does not list it", t.ID, tid)
			}
		}
	}
	return errors.Join(errs...)
}

// validateTechnique checks one technique on its own.
func validateTechnique(t Technique, tacticIndex map[string]int, mitigationIDs map[string]bool) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("technique %s: "+format, append([]any{t.ID}, args...)...))
	}
	if !techniqueIDPattern.MatchString(t.ID) {
		add("not an MS-TA9xxx ID")
	}
	if t.Name == "" || t.Description == "" {
		add("name and description are required")
	}
	if t.Retired {
		if len(t.Tactics) > 0 {
			add("retired but under tactics %v", t.Tactics)
		}
		if t.Note == "" {
			add("retired without a note")
		}
	} else {
		if len(t.Tactics) == 0 {
			add("no tactics")
		}
		if len(t.Mitigations) == 0 {
			add("no mitigations")
		}
	}
	last := -1
	for _, tid := range t.Tactics {
		i, ok := tacticIndex[tid]
		if !ok {
			add("unknown tactic %q", tid)
			continue
		}
		if i <= last {
			add("tactics not in matrix order or repeated")
		}
		last = i
	}
	for _, id := range t.AttackTechniques {
		if !attackTechniquePattern.MatchString(id) {
			add("ATT&CK technique %q is malformed", id)
		}
	}
	for _, id := range t.Mitigations {
		if !mitigationIDs[id] {
			add("unknown mitigation %s", id)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(t.Mitigations)))) != len(t.Mitigations) {
		add("mitigation listed twice")
	}
	a := t.Assessment
	for _, s := range Sources() {
		if !a.Evidence(s).valid() {
			add("%s evidence %q is not none, precondition or direct", s, a.Evidence(s))
		}
	}
	if a.Rationale == "" {
		add("assessment has no rationale")
	}
	return errs
}
