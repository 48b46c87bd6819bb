package threatmatrix

import (
	"slices"
)

// Coverage maps a technique ID to the sources Landfall implements today for
// it. A nil or empty Coverage means Landfall assesses nothing. Build one
// with CoverageFrom and combine several with Merge.
type Coverage map[string]map[Source]bool

// CoverageFrom returns a Coverage in which every listed technique is
// covered by source. Duplicate IDs are harmless; IDs are not checked
// against the catalog (see Coverage.Unknown).
func CoverageFrom(source Source, techniqueIDs []string) Coverage {
	c := Coverage{}
	for _, id := range techniqueIDs {
		c.add(id, source)
	}
	return c
}

// Merge returns a new Coverage holding every technique and source of cs.
// The inputs are not modified; nil inputs are skipped.
func Merge(cs ...Coverage) Coverage {
	out := Coverage{}
	for _, c := range cs {
		for id, sources := range c {
			for s, ok := range sources {
				if ok {
					out.add(id, s)
				}
			}
		}
	}
	return out
}

// add records that source covers technique id.
func (c Coverage) add(id string, source Source) {
	if c[id] == nil {
		c[id] = map[Source]bool{}
	}
	c[id][source] = true
}

// Has reports whether Landfall assesses technique id from source today.
func (c Coverage) Has(id string, source Source) bool {
	return c[id][source]
}

// Sources returns the sources that cover technique id, in display order.
func (c Coverage) Sources(id string) []Source {
	var out []Source
	for _, s := range Sources() {
		if c.Has(id, s) {
			out = append(out, s)
		}
	}
	return out
}

// Covered reports whether any source covers technique id.
func (c Coverage) Covered(id string) bool {
	return len(c.Sources(id)) > 0
}

// Unknown returns the covered IDs that are not in the catalog or are
// retired, sorted, so callers (and tests of the check registry) can reject
// stale references.
func (c Coverage) Unknown() []string {
	var out []string
	for id := range c {
		if t, ok := TechniqueByID(id); !ok || t.Retired {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
