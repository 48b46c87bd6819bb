package matrix

import (
	"fmt"
	"io"
	"strings"

	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

const (
	// gridSeparator sits between grid columns.
	gridSeparator = " | "
	// minGridColumn is the narrowest grid column: the longest word in a
	// technique name ("vulnerability", "configuration") fits on one line.
	// When ten such columns do not fit, the tactics are split into bands.
	minGridColumn = 13
	// coveredMark prefixes techniques Landfall assesses today.
	coveredMark = "*"
)

// gridOptions controls renderGrid.
type gridOptions struct {
	// width is the maximum line width.
	width int
	// color enables ANSI styles.
	color bool
	// coverage marks the techniques Landfall assesses today.
	coverage threatmatrix.Coverage
}

// cellLine is one line of a grid cell with its style.
type cellLine struct {
	text  string
	style string
}

// renderGrid writes the matrix for the given tactics: one column per
// tactic, one cell per active technique under it. When the columns would be
// narrower than minGridColumn, the tactics are split into bands of equal
// size printed one under the other. No line is wider than opt.width.
func renderGrid(w io.Writer, tactics []threatmatrix.Tactic, opt gridOptions) error {
	var b strings.Builder
	perBand := bandSize(len(tactics), opt.width)
	for start := 0; start < len(tactics); start += perBand {
		if start > 0 {
			b.WriteByte('\n')
		}
		band := tactics[start:min(start+perBand, len(tactics))]
		writeGrid(&b, band, columnWidth(len(band), opt.width), opt)
	}
	writeFooter(&b, opt)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing matrix: %w", err)
	}
	return nil
}

// columnWidth is the width of each of n columns that fill width.
func columnWidth(n, width int) int {
	return max((width-len(gridSeparator)*(n-1))/n, 1)
}

// bandSize returns how many of n columns to print side by side: all of
// them if they fit at minGridColumn, otherwise the fewest equal bands that
// do (at least one column per band).
func bandSize(n, width int) int {
	fit := n
	for fit > 1 && columnWidth(fit, width) < minGridColumn {
		fit--
	}
	if fit == 0 {
		return 1
	}
	bands := (n + fit - 1) / fit
	return (n + bands - 1) / bands
}

// writeGrid writes the column layout.
func writeGrid(b *strings.Builder, tactics []threatmatrix.Tactic, colWidth int, opt gridOptions) {
	header := make([][]cellLine, len(tactics))
	columns := make([][]threatmatrix.Technique, len(tactics))
	rows := 0
	for i, tac := range tactics {
		for _, l := range wrap(tac.Name, colWidth) {
			header[i] = append(header[i], cellLine{text: l, style: styleBold})
		}
		columns[i] = threatmatrix.TechniquesByTactic(tac.ID)
		rows = max(rows, len(columns[i]))
	}
	rule := make([]string, len(tactics))
	for i := range rule {
		rule[i] = strings.Repeat("-", colWidth)
	}
	ruleLine := strings.Join(rule, strings.ReplaceAll(gridSeparator, " ", "-"))

	writeRow(b, header, colWidth, opt.color)
	b.WriteString(ruleLine + "\n")
	for r := range rows {
		cells := make([][]cellLine, len(tactics))
		for i := range tactics {
			if r < len(columns[i]) {
				cells[i] = techniqueCell(columns[i][r], colWidth, opt.coverage)
			}
		}
		writeRow(b, cells, colWidth, opt.color)
		if r < rows-1 {
			b.WriteString(ruleLine + "\n")
		}
	}
}

// techniqueCell returns the wrapped lines of one technique: its name
// (marked when covered) and its ID.
func techniqueCell(t threatmatrix.Technique, width int, coverage threatmatrix.Coverage) []cellLine {
	name, style := t.Name, styleNone
	if coverage.Covered(t.ID) {
		name, style = coveredMark+" "+name, styleGreen
	}
	var lines []cellLine
	for _, l := range wrap(name, width) {
		lines = append(lines, cellLine{text: l, style: style})
	}
	for _, l := range wrap(t.ID, width) {
		lines = append(lines, cellLine{text: l, style: styleDim})
	}
	return lines
}

// writeRow writes cells side by side, padding each to colWidth, and trims
// trailing spaces.
func writeRow(b *strings.Builder, cells [][]cellLine, colWidth int, color bool) {
	height := 0
	for _, c := range cells {
		height = max(height, len(c))
	}
	for l := range height {
		var line strings.Builder
		for i, c := range cells {
			if i > 0 {
				line.WriteString(gridSeparator)
			}
			text, style := "", styleNone
			if l < len(c) {
				text, style = c[l].text, c[l].style
			}
			padding := pad(text, colWidth)[len(text):]
			line.WriteString(paint(color, style, text) + padding)
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// writeFooter writes the legend and the attribution.
func writeFooter(b *strings.Builder, opt gridOptions) {
	b.WriteByte('\n')
	if len(opt.coverage) > 0 {
		writeWrapped(b, coveredMark+" = assessed by Landfall today; see landfall matrix --coverage.", opt.width, "")
	}
	writeAttribution(b, opt.width)
}

// writeAttribution credits the matrix, as its CC BY 4.0 licence requires.
func writeAttribution(b *strings.Builder, width int) {
	writeWrapped(b, threatmatrix.Attribution, width, "")
	writeWrapped(b, threatmatrix.ProjectURL, width, "")
}
