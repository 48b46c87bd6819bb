package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// matrixCellWidth is the width of a grid cell: a short technique ID
// ("9013") and a count, and the longest word of a tactic name.
const matrixCellWidth = 11

// writeMatrix writes the matrix grid with the findings per technique, the
// techniques with findings, and the summary.
func writeMatrix(w io.Writer, r *Report, opts Options) error {
	bw := bufio.NewWriter(w)
	p := painter(opts.Color)
	g := buildGrid(r.Findings)

	fmt.Fprintln(bw, p.paint(ansiBold, "Threat Matrix for Kubernetes: findings per technique (MS-TA9xxx)"))
	fmt.Fprintln(bw)

	headers := make([][]string, len(g.Columns))
	lines := 0
	for i, col := range g.Columns {
		headers[i] = wrapWords(col.Tactic.Name, matrixCellWidth)
		lines = max(lines, len(headers[i]))
	}
	for l := range lines {
		cells := make([]string, len(g.Columns))
		for i := range g.Columns {
			if l < len(headers[i]) {
				cells[i] = p.paint(ansiBold, pad(headers[i][l]))
			} else {
				cells[i] = pad("")
			}
		}
		writeGridLine(bw, cells)
	}
	cells := make([]string, len(g.Columns))
	for i, col := range g.Columns {
		cells[i] = pad("(" + strconv.Itoa(col.Count) + ")")
	}
	writeGridLine(bw, cells)
	for i := range g.Columns {
		cells[i] = strings.Repeat("-", matrixCellWidth)
	}
	writeGridLine(bw, cells)
	for row := range g.Height {
		for i, col := range g.Columns {
			if row >= len(col.Cells) {
				cells[i] = pad("")
				continue
			}
			c := col.Cells[row]
			count := "-"
			if c.Count > 0 {
				count = strconv.Itoa(c.Count)
			}
			short := strings.TrimPrefix(c.Technique.ID, "MS-TA")
			text := short + strings.Repeat(" ", max(1, matrixCellWidth-len(short)-len(count))) + count
			if c.Count > 0 {
				cells[i] = p.severity(c.Max, text)
			} else {
				cells[i] = p.paint(ansiDim, text)
			}
		}
		writeGridLine(bw, cells)
	}

	fmt.Fprintln(bw)
	if len(g.Hot) == 0 {
		fmt.Fprintln(bw, "No technique has findings.")
	} else {
		fmt.Fprintln(bw, "Techniques with findings:")
		c := loadCatalog()
		rows := make([][]string, 0, len(g.Hot))
		for _, h := range g.Hot {
			tactics := make([]string, 0, len(h.Technique.Tactics))
			for _, t := range h.Technique.Tactics {
				tactics = append(tactics, c.tacticName(t))
			}
			rows = append(rows, []string{h.Technique.ID, h.Technique.Name, strconv.Itoa(h.Count), h.Max.String(), strings.Join(tactics, ", ")})
		}
		widths := columnWidths(rows[0], rows)
		for i, row := range rows {
			writeRow(bw, widths, row, func(col int, s string) string {
				if col == 3 {
					return p.severity(g.Hot[i].Max, s)
				}
				return s
			})
		}
	}
	fmt.Fprintln(bw)
	writeSummary(bw, r, p)
	fmt.Fprintf(bw, "\n%s\n", threatmatrix.Attribution)
	return bw.Flush()
}

// pad pads s to the cell width.
func pad(s string) string {
	return s + strings.Repeat(" ", max(0, matrixCellWidth-len(s)))
}

// writeGridLine writes cells separated by one space, without trailing
// blanks.
func writeGridLine(w io.Writer, cells []string) {
	fmt.Fprintln(w, strings.TrimRight(strings.Join(cells, " "), " "))
}

// wrapWords splits s into lines of at most width characters at spaces; a
// longer word gets a line of its own.
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
