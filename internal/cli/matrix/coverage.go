package matrix

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// Notes shown for techniques Landfall cannot see in full.
const (
	noteSensor             = "needs runtime/node/cloud sensor"
	notePreconditionSensor = "precondition only; needs runtime/node/cloud sensor"
	notePreconditionNow    = "assessed as precondition only"
)

// sourceCell is one source's status for one technique.
type sourceCell struct {
	// Evidence is what the source can show (the catalog classification).
	Evidence threatmatrix.Evidence `json:"evidence"`
	// Assessed says whether Landfall assesses the technique from this
	// source today.
	Assessed bool `json:"assessed"`
}

// label renders the cell for the text table.
func (c sourceCell) label() string {
	prefix := "could"
	if c.Assessed {
		prefix = "yes"
	}
	switch {
	case c.Evidence == threatmatrix.EvidencePrecondition:
		return prefix + " (pre)"
	case c.Evidence == threatmatrix.EvidenceDirect || c.Assessed:
		return prefix
	default:
		return "-"
	}
}

// coverageRow is one technique in the coverage report.
type coverageRow struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Tactics     []string   `json:"tactics"`
	Manifest    sourceCell `json:"manifest"`
	LiveCluster sourceCell `json:"liveCluster"`
	AuditLog    sourceCell `json:"auditLog"`
	Assessed    bool       `json:"assessed"`
	NeedsSensor bool       `json:"needsSensor"`
	Note        string     `json:"note,omitempty"`
	Rationale   string     `json:"rationale"`
}

// coverageSummary counts the rows of a coverage report.
type coverageSummary struct {
	// Techniques is the number of techniques in the report.
	Techniques int `json:"techniques"`
	// Assessed is how many Landfall assesses today from any source.
	Assessed int `json:"assessed"`
	// AssessedDirect is how many of those it assesses from a source that
	// shows the technique directly.
	AssessedDirect int `json:"assessedDirect"`
	// Assessable is how many some Landfall source could show directly.
	Assessable int `json:"assessable"`
	// NeedsSensor is how many no Landfall source shows directly.
	NeedsSensor int `json:"needsSensor"`
}

// coverageReport is the --coverage output.
type coverageReport struct {
	Attribution string          `json:"attribution"`
	URL         string          `json:"url"`
	Techniques  []coverageRow   `json:"techniques"`
	Summary     coverageSummary `json:"summary"`
}

// buildCoverage compares the catalog classification of the given techniques
// with what Landfall implements.
func buildCoverage(techniques []threatmatrix.Technique, cov threatmatrix.Coverage) coverageReport {
	names := map[string]string{}
	for _, t := range threatmatrix.Tactics() {
		names[t.ID] = t.Name
	}
	r := coverageReport{Attribution: threatmatrix.Attribution, URL: threatmatrix.ProjectURL}
	for _, t := range techniques {
		a := t.Assessment
		cell := func(s threatmatrix.Source) sourceCell {
			return sourceCell{Evidence: a.Evidence(s), Assessed: cov.Has(t.ID, s)}
		}
		row := coverageRow{
			ID: t.ID, Name: t.Name,
			Manifest:    cell(threatmatrix.SourceManifest),
			LiveCluster: cell(threatmatrix.SourceLiveCluster),
			AuditLog:    cell(threatmatrix.SourceAuditLog),
			Assessed:    cov.Covered(t.ID),
			NeedsSensor: a.NeedsSensor(),
			Rationale:   a.Rationale,
		}
		for _, tid := range t.Tactics {
			row.Tactics = append(row.Tactics, names[tid])
		}
		direct := false
		for _, s := range cov.Sources(t.ID) {
			direct = direct || a.Evidence(s) == threatmatrix.EvidenceDirect
		}
		switch {
		case a.PreconditionOnly():
			row.Note = notePreconditionSensor
		case a.NeedsSensor():
			row.Note = noteSensor
		case row.Assessed && !direct:
			row.Note = notePreconditionNow
		}
		r.Summary.Techniques++
		if row.Assessed {
			r.Summary.Assessed++
		}
		if direct {
			r.Summary.AssessedDirect++
		}
		if a.Assessable() {
			r.Summary.Assessable++
		} else {
			r.Summary.NeedsSensor++
		}
		r.Techniques = append(r.Techniques, row)
	}
	return r
}

// coverageColumns are the table columns with their minimum widths.
var coverageColumns = []struct {
	title string
	min   int
}{
	{"ID", len("MS-TA9000")}, {"Technique", 8}, {"Tactics", 8},
	{"Manifest", 5}, {"Live cluster", 5}, {"Audit log", 5}, {"Note", 8},
}

// tableSeparator sits between table columns.
const tableSeparator = "  "

// renderCoverage writes the report as a table fitted to width, or as a
// list when even the narrowest table would not fit, then a legend and the
// summary.
func renderCoverage(w io.Writer, r coverageReport, width int, color bool) error {
	var b strings.Builder
	rows := make([][]string, 0, len(r.Techniques))
	for _, t := range r.Techniques {
		rows = append(rows, []string{
			t.ID, t.Name, strings.Join(t.Tactics, ", "),
			t.Manifest.label(), t.LiveCluster.label(), t.AuditLog.label(), t.Note,
		})
	}
	if widths, ok := fitColumns(rows, width); ok {
		writeTable(&b, rows, widths, color)
	} else {
		writeCoverageList(&b, rows, width)
	}
	b.WriteByte('\n')
	writeWrapped(&b, "yes = Landfall assesses it today; could = the source shows it but Landfall has no check yet; (pre) = the source shows a precondition only; - = not visible there.", width, "")
	s := r.Summary
	writeWrapped(&b, fmt.Sprintf("%d of %d techniques assessed by Landfall today (%d from a source that shows the technique itself); %d could be assessed from manifests, a live cluster or audit logs; %d need a runtime/node/cloud sensor.",
		s.Assessed, s.Techniques, s.AssessedDirect, s.Assessable, s.NeedsSensor), width, "")
	writeAttribution(&b, width)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing coverage: %w", err)
	}
	return nil
}

// fitColumns returns column widths that fit width, shrinking the widest
// column first but none below its minimum or the longest segment it holds,
// so that words are never cut. ok is false when that does not fit.
func fitColumns(rows [][]string, width int) ([]int, bool) {
	widths := make([]int, len(coverageColumns))
	floors := make([]int, len(coverageColumns))
	for i, c := range coverageColumns {
		widths[i] = utf8.RuneCountInString(c.title)
		floors[i] = max(c.min, longestSegment(c.title))
		for _, row := range rows {
			widths[i] = max(widths[i], utf8.RuneCountInString(row[i]))
			floors[i] = max(floors[i], longestSegment(row[i]))
		}
	}
	total := func() int {
		sum := len(tableSeparator) * (len(widths) - 1)
		for _, w := range widths {
			sum += w
		}
		return sum
	}
	for total() > width {
		widest := -1
		for i, w := range widths {
			if w > floors[i] && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return nil, false
		}
		widths[widest]--
	}
	return widths, true
}

// writeTable writes a header, a rule and the rows, wrapping cells to their
// column widths.
func writeTable(b *strings.Builder, rows [][]string, widths []int, color bool) {
	header := make([]string, len(coverageColumns))
	rule := make([]string, len(coverageColumns))
	for i, c := range coverageColumns {
		header[i] = c.title
		rule[i] = strings.Repeat("-", widths[i])
	}
	writeTableRow(b, header, widths, color, true)
	b.WriteString(strings.Join(rule, tableSeparator) + "\n")
	for _, row := range rows {
		writeTableRow(b, row, widths, color, false)
	}
}

// writeTableRow writes one logical row, which may take several lines.
func writeTableRow(b *strings.Builder, row []string, widths []int, color, header bool) {
	cells := make([][]string, len(row))
	height := 0
	for i, text := range row {
		cells[i] = wrap(text, widths[i])
		height = max(height, len(cells[i]))
	}
	for l := range height {
		var line strings.Builder
		for i := range row {
			if i > 0 {
				line.WriteString(tableSeparator)
			}
			text := ""
			if l < len(cells[i]) {
				text = cells[i][l]
			}
			line.WriteString(paint(color, cellStyle(text, header), text) + pad(text, widths[i])[len(text):])
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// cellStyle picks the colour for a table cell.
func cellStyle(text string, header bool) string {
	switch {
	case header:
		return styleBold
	case strings.HasPrefix(text, "yes"):
		return styleGreen
	case strings.HasPrefix(text, "could"):
		return styleYellow
	default:
		return styleNone
	}
}

// writeCoverageList writes one block per technique for narrow widths.
func writeCoverageList(b *strings.Builder, rows [][]string, width int) {
	for _, row := range rows {
		writeWrapped(b, row[0]+" "+row[1], width, "")
		writeWrapped(b, "tactics: "+row[2], width, "  ")
		for i := 3; i <= 5; i++ {
			writeWrapped(b, strings.ToLower(coverageColumns[i].title)+": "+row[i], width, "  ")
		}
		if row[6] != "" {
			writeWrapped(b, "note: "+row[6], width, "  ")
		}
	}
}
