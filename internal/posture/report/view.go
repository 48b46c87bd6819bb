package report

import (
	"slices"
	"sync"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// catalog is the part of the Threat Matrix the reports use, read once.
type catalog struct {
	tactics    []threatmatrix.Tactic
	techniques map[string]threatmatrix.Technique
	tacticRank map[string]int // tactic ID to its column index
}

var loadCatalog = sync.OnceValue(func() *catalog {
	c := &catalog{
		tactics:    threatmatrix.Tactics(),
		techniques: map[string]threatmatrix.Technique{},
		tacticRank: map[string]int{},
	}
	for _, t := range threatmatrix.Techniques() {
		c.techniques[t.ID] = t
	}
	for i, t := range c.tactics {
		c.tacticRank[t.ID] = i
	}
	return c
})

// techniqueName returns the name of a technique, or "" when unknown.
func (c *catalog) techniqueName(id string) string {
	return c.techniques[id].Name
}

// tacticsOf returns the tactic IDs of the techniques, without repeats, in
// matrix order.
func (c *catalog) tacticsOf(techniques []string) []string {
	var out []string
	for _, id := range techniques {
		for _, tac := range c.techniques[id].Tactics {
			if !slices.Contains(out, tac) {
				out = append(out, tac)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return c.tacticRank[a] - c.tacticRank[b] })
	return out
}

// tacticName returns the name of a tactic ID.
func (c *catalog) tacticName(id string) string {
	if i, ok := c.tacticRank[id]; ok {
		return c.tactics[i].Name
	}
	return id
}

// unmappedTactic groups findings whose techniques are in no tactic.
const unmappedTactic = "Unmapped"

// tacticGroup is the findings listed under one tactic.
type tacticGroup struct {
	ID, Name string
	Rows     []groupRow
}

// groupRow is one finding in a tactic group.
type groupRow struct {
	*posture.Finding
	// Techniques are the finding's techniques under this tactic.
	Techniques []string
	// Also names the other tactics the finding's techniques sit under.
	Also []string
}

// groupByTactic lists each finding under the first tactic (in matrix order)
// of its techniques. Groups come in matrix order, then findings without a
// known tactic; within a group the highest severity comes first.
func groupByTactic(fs []posture.Finding) []tacticGroup {
	c := loadCatalog()
	byTactic := map[string][]groupRow{}
	for i := range fs {
		f := &fs[i]
		tactics := c.tacticsOf(f.Techniques)
		if len(tactics) == 0 {
			byTactic[unmappedTactic] = append(byTactic[unmappedTactic], groupRow{Finding: f, Techniques: f.Techniques})
			continue
		}
		row := groupRow{Finding: f}
		for _, t := range f.Techniques {
			if slices.Contains(c.techniques[t].Tactics, tactics[0]) {
				row.Techniques = append(row.Techniques, t)
			}
		}
		for _, t := range tactics[1:] {
			row.Also = append(row.Also, c.tacticName(t))
		}
		byTactic[tactics[0]] = append(byTactic[tactics[0]], row)
	}
	var out []tacticGroup
	add := func(id, name string) {
		rows := byTactic[id]
		if len(rows) == 0 {
			return
		}
		slices.SortStableFunc(rows, func(a, b groupRow) int { return int(b.Severity) - int(a.Severity) })
		out = append(out, tacticGroup{ID: id, Name: name, Rows: rows})
	}
	for _, t := range c.tactics {
		add(t.ID, t.Name)
	}
	add(unmappedTactic, unmappedTactic)
	return out
}

// grid is the matrix with the findings counted per technique.
type grid struct {
	Columns []gridColumn
	// Height is the number of cells in the tallest column.
	Height int
	// Cells are the technique cells with findings, each technique once,
	// in ID order.
	Hot []gridCell
}

// gridColumn is one tactic and its technique cells.
type gridColumn struct {
	Tactic threatmatrix.Tactic
	Cells  []gridCell
	// Count sums the findings of the column's techniques.
	Count int
}

// gridCell is one technique and its findings.
type gridCell struct {
	Technique threatmatrix.Technique
	Count     int
	// Max is the highest severity among the findings, 0 when none.
	Max posture.Severity
}

// buildGrid counts the findings per technique; a technique under several
// tactics shows the same count in each column.
func buildGrid(fs []posture.Finding) grid {
	c := loadCatalog()
	count := map[string]int{}
	worst := map[string]posture.Severity{}
	for i := range fs {
		for _, t := range fs[i].Techniques {
			count[t]++
			worst[t] = max(worst[t], fs[i].Severity)
		}
	}
	var g grid
	for _, tac := range c.tactics {
		col := gridColumn{Tactic: tac}
		for _, id := range tac.TechniqueIDs {
			tech, ok := c.techniques[id]
			if !ok || tech.Retired {
				continue
			}
			col.Cells = append(col.Cells, gridCell{Technique: tech, Count: count[id], Max: worst[id]})
			col.Count += count[id]
		}
		g.Height = max(g.Height, len(col.Cells))
		g.Columns = append(g.Columns, col)
	}
	ids := make([]string, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		tech, ok := c.techniques[id]
		if !ok {
			tech = threatmatrix.Technique{ID: id, Name: "(unknown technique)"}
		}
		g.Hot = append(g.Hot, gridCell{Technique: tech, Count: count[id], Max: worst[id]})
	}
	return g
}
