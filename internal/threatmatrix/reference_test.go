package threatmatrix

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// referenceDir is the upstream copy of the matrix pages, relative to this
// package. CI checks shared/ out next to the repository root.
const referenceDir = "../../../shared/reference/threat-matrix/docs"

var (
	headingRE    = regexp.MustCompile(`(?m)^# (.+?)\s*$`)
	pageIDRE     = regexp.MustCompile(`ID: (MS-(?:TA|M)9[0-9.]+)`)
	tacticLineRE = regexp.MustCompile(`(?m)^\s*Tactic:(.*)$`)
	attackLineRE = regexp.MustCompile(`(?m)^\s*MITRE (?:technique|mitigation):(.*)$`)
	linkTextRE   = regexp.MustCompile(`\[([^\]]+)\]`)
	attackIDRE   = regexp.MustCompile(`\[(T\d{4}(?:\.\d{3})?|M\d{4})\]`)
	tableIDRE    = regexp.MustCompile(`(?m)^\|\[(MS-(?:TA|M)9[0-9.]+)\]`)
	parentRE     = regexp.MustCompile(`Sub-mitigation of: \[(MS-M9\d{3})\]`)
	gridLinkRE   = regexp.MustCompile(`\]\(techniques/(.+?\.md)\)`)
)

// refPage is what a technique or mitigation page says about itself.
type refPage struct {
	file     string
	id       string
	name     string
	tactics  []string // tactic names
	attack   []string // ATT&CK technique or mitigation IDs
	table    []string // IDs in the page's table (mitigations or techniques)
	parent   string   // parent mitigation, for sub-mitigations
	contents string
}

// referenceDocs returns the docs directory or skips the test when the
// reference copy is not checked out.
func referenceDocs(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(referenceDir, "index.md")); err != nil {
		t.Skipf("Threat Matrix reference pages not found at %s (the cross-check runs only where ../shared sits next to the checkout): %v", referenceDir, err)
	}
	return referenceDir
}

// readPage parses one markdown page.
func readPage(t *testing.T, path string) refPage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	s := string(data)
	p := refPage{file: filepath.Base(path), contents: s}
	if m := headingRE.FindStringSubmatch(s); m != nil {
		p.name = m[1]
	}
	if m := pageIDRE.FindStringSubmatch(s); m != nil {
		p.id = m[1]
	}
	if m := tacticLineRE.FindStringSubmatch(s); m != nil {
		for _, l := range linkTextRE.FindAllStringSubmatch(m[1], -1) {
			p.tactics = append(p.tactics, l[1])
		}
	}
	if m := attackLineRE.FindStringSubmatch(s); m != nil {
		for _, l := range attackIDRE.FindAllStringSubmatch(m[1], -1) {
			p.attack = append(p.attack, l[1])
		}
	}
	for _, m := range tableIDRE.FindAllStringSubmatch(s, -1) {
		p.table = append(p.table, m[1])
	}
	if m := parentRE.FindStringSubmatch(s); m != nil {
		p.parent = m[1]
	}
	return p
}

// techniquePages returns every technique page keyed by file name.
func techniquePages(t *testing.T, docs string) map[string]refPage {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(docs, "techniques", "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("listing technique pages: %v (%d files)", err, len(files))
	}
	pages := map[string]refPage{}
	for _, f := range files {
		p := readPage(t, f)
		pages[p.file] = p
	}
	return pages
}

// tacticIDByName maps tactic names to IDs.
func tacticIDByName() map[string]string {
	m := map[string]string{}
	for _, tac := range Tactics() {
		m[tac.Name] = tac.ID
	}
	return m
}

func TestReference_TechniquePagesMatchTheCatalog(t *testing.T) {
	t.Parallel()
	docs := referenceDocs(t)
	pages := techniquePages(t, docs)
	byName := tacticIDByName()
	seen := map[string]bool{}
	for _, p := range pages {
		tech, ok := TechniqueByID(p.id)
		if !ok {
			t.Errorf("%s: page ID %q is not in the catalog", p.file, p.id)
			continue
		}
		seen[p.id] = true
		if tech.Retired {
			t.Errorf("%s: %s has a page but is marked retired", p.file, p.id)
		}
		if tech.Name != p.name {
			t.Errorf("%s: name %q, catalog has %q", p.id, p.name, tech.Name)
		}
		var pageTactics []string
		for _, name := range p.tactics {
			id, ok := byName[name]
			if !ok {
				t.Errorf("%s: page names unknown tactic %q", p.id, name)
			}
			pageTactics = append(pageTactics, id)
		}
		if !sameSet(pageTactics, tech.Tactics) {
			t.Errorf("%s: tactics %v, catalog has %v", p.id, pageTactics, tech.Tactics)
		}
		if !slices.Equal(p.attack, tech.AttackTechniques) {
			t.Errorf("%s: ATT&CK techniques %v, catalog has %v", p.id, p.attack, tech.AttackTechniques)
		}
		if !slices.Equal(p.table, tech.Mitigations) {
			t.Errorf("%s: mitigations %v, catalog has %v", p.id, p.table, tech.Mitigations)
		}
	}
	for _, tech := range ActiveTechniques() {
		if !seen[tech.ID] {
			t.Errorf("%s %q is active in the catalog but has no page", tech.ID, tech.Name)
		}
	}
}

func TestReference_TacticPagesMatchTheCatalog(t *testing.T) {
	t.Parallel()
	docs := referenceDocs(t)
	dirs, err := filepath.Glob(filepath.Join(docs, "tactics", "*", "index.md"))
	if err != nil {
		t.Fatalf("listing tactic pages: %v", err)
	}
	if len(dirs) != len(Tactics()) {
		t.Errorf("%d tactic pages, catalog has %d tactics", len(dirs), len(Tactics()))
	}
	byName := tacticIDByName()
	for _, f := range dirs {
		p := readPage(t, f)
		id, ok := byName[p.name]
		if !ok {
			t.Errorf("%s: tactic %q is not in the catalog", f, p.name)
			continue
		}
		tac, _ := TacticByID(id)
		if !slices.Equal(p.table, tac.TechniqueIDs) {
			t.Errorf("%s: page lists %v, catalog has %v", tac.Name, p.table, tac.TechniqueIDs)
		}
		if !strings.Contains(p.contents, tac.Description) {
			t.Errorf("%s: description is not the page's text", tac.Name)
		}
	}
}

func TestReference_MatrixGridMatchesTheCatalogColumns(t *testing.T) {
	t.Parallel()
	docs := referenceDocs(t)
	pages := techniquePages(t, docs)
	data, err := os.ReadFile(filepath.Join(docs, "index.md"))
	if err != nil {
		t.Fatalf("reading index.md: %v", err)
	}
	var header []string
	columns := map[int][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|--") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|"), "|")
		if header == nil {
			for _, c := range cells {
				header = append(header, linkTextRE.FindStringSubmatch(c)[1])
			}
			continue
		}
		for i, c := range cells {
			m := gridLinkRE.FindStringSubmatch(c)
			if m == nil {
				continue
			}
			file, err := url.PathUnescape(m[1])
			if err != nil {
				t.Fatalf("unescaping %q: %v", m[1], err)
			}
			columns[i] = append(columns[i], pages[file].id)
		}
	}
	var names []string
	for _, tac := range Tactics() {
		names = append(names, tac.Name)
	}
	if !slices.Equal(header, names) {
		t.Fatalf("grid header %v, catalog tactics %v", header, names)
	}
	cells := 0
	for i, tac := range Tactics() {
		cells += len(columns[i])
		var got []string
		for _, tech := range TechniquesByTactic(tac.ID) {
			got = append(got, tech.ID)
		}
		if !slices.Equal(columns[i], got) {
			t.Errorf("%s column: grid has %v, catalog has %v", tac.Name, columns[i], got)
		}
	}
	if cells != 48 {
		t.Errorf("grid has %d cells, want 48", cells)
	}
}

func TestReference_MitigationPagesMatchTheCatalog(t *testing.T) {
	t.Parallel()
	docs := referenceDocs(t)
	files, err := filepath.Glob(filepath.Join(docs, "mitigations", "*.md"))
	if err != nil {
		t.Fatalf("listing mitigation pages: %v", err)
	}
	subs, _ := filepath.Glob(filepath.Join(docs, "mitigations", "*", "*.md"))
	seen := map[string]bool{}
	for _, f := range append(files, subs...) {
		p := readPage(t, f)
		if p.id == "" {
			continue // the mitigations index page
		}
		seen[p.id] = true
		m, ok := MitigationByID(p.id)
		if !ok {
			t.Errorf("%s: mitigation %s is not in the catalog", f, p.id)
			continue
		}
		if m.Name != p.name || m.Parent != p.parent || !slices.Equal(m.AttackMitigations, p.attack) {
			t.Errorf("%s: page says name=%q parent=%q ATT&CK=%v, catalog has %q %q %v",
				p.id, p.name, p.parent, p.attack, m.Name, m.Parent, m.AttackMitigations)
		}
		// Each technique the page addresses lists it, or its parent.
		for _, tid := range p.table {
			tech, ok := TechniqueByID(tid)
			if !ok {
				t.Errorf("%s addresses unknown technique %s", p.id, tid)
				continue
			}
			if !slices.Contains(tech.Mitigations, p.id) && (p.parent == "" || !slices.Contains(tech.Mitigations, p.parent)) {
				t.Errorf("%s addresses %s, whose mitigations %v do not include it", p.id, tid, tech.Mitigations)
			}
		}
	}
	for _, m := range Mitigations() {
		if !seen[m.ID] {
			t.Errorf("catalog mitigation %s has no page", m.ID)
		}
	}
}

// sameSet reports whether a and b hold the same strings, ignoring order.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
