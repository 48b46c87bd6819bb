package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/landfall-dev/landfall/internal/posture/exception"
)

// tableColumns are the headings of the table format.
var tableColumns = []string{"SEVERITY", "TECHNIQUE", "CHECK", "OBJECT", "LOCATION", "PATH", "MESSAGE"}

// writeTable writes findings grouped by tactic, then the summary.
func writeTable(w io.Writer, r *Report, opts Options) error {
	bw := bufio.NewWriter(w)
	p := painter(opts.Color)
	groups := groupByTactic(r.Findings)

	var rows [][]string // cells per finding, in group order
	for _, g := range groups {
		for _, row := range g.Rows {
			msg := row.Message
			if len(row.Also) > 0 {
				msg += " (also " + strings.Join(row.Also, ", ") + ")"
			}
			rows = append(rows, []string{
				row.Severity.String(),
				strings.Join(row.Techniques, ","),
				row.CheckID,
				row.Object.String(),
				sourceLocation(row.Source),
				orDash(row.Path),
				msg,
			})
		}
	}
	widths := columnWidths(tableColumns, rows)

	if len(groups) == 0 {
		fmt.Fprintln(bw, "No findings.")
	}
	next := 0
	for i, g := range groups {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		fmt.Fprintln(bw, p.paint(ansiBold, fmt.Sprintf("%s (%d)", strings.ToUpper(g.Name), len(g.Rows))))
		writeRow(bw, widths, tableColumns, func(_ int, s string) string { return p.paint(ansiDim, s) })
		for _, row := range g.Rows {
			writeRow(bw, widths, rows[next], func(col int, s string) string {
				if col == 0 {
					return p.severity(row.Severity, s)
				}
				return s
			})
			next++
		}
	}
	fmt.Fprintln(bw)
	writeSummary(bw, r, p)
	return bw.Flush()
}

// columnWidths returns the width of each column but the last.
func columnWidths(header []string, rows [][]string) []int {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, cell := range row[:len(row)-1] {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	return widths
}

// writeRow writes one indented row, padding every cell but the last; style
// decorates a padded cell (colour codes must not count towards the width).
func writeRow(w io.Writer, widths []int, cells []string, style func(col int, s string) string) {
	var b strings.Builder
	b.WriteString("  ")
	for i, cell := range cells {
		if i == len(cells)-1 {
			b.WriteString(style(i, cell))
			break
		}
		pad := widths[i] - utf8.RuneCountInString(cell)
		b.WriteString(style(i, cell))
		b.WriteString(strings.Repeat(" ", pad+2))
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeSummary writes the counts, the exceptions that need attention, the
// load errors and the notes. The table and matrix formats end with it.
func writeSummary(w io.Writer, r *Report, p painter) {
	counts := r.CountBySeverity()
	var parts []string
	for _, s := range Severities() {
		part := fmt.Sprintf("%d %s", counts[s], s)
		if counts[s] > 0 {
			part = p.severity(s, part)
		}
		parts = append(parts, part)
	}
	from := plural(len(r.Files), "file")
	if r.Completeness != nil {
		from = "cluster " + r.Completeness.Cluster
		if r.Completeness.Namespace != "" {
			from += " (namespace " + r.Completeness.Namespace + ")"
		}
	}
	fmt.Fprintf(w, "%s in %s from %s: %s.\n",
		plural(len(r.Findings), "finding"), plural(r.Objects, "object"), from,
		strings.Join(parts, ", "))
	writeCompleteness(w, r.Completeness)
	if len(r.Suppressed) > 0 {
		fmt.Fprintf(w, "%s suppressed by exceptions.\n", plural(len(r.Suppressed), "finding"))
	}

	var attention []string
	for _, e := range r.Exceptions {
		switch e.Status {
		case exception.StatusUnmatched:
			attention = append(attention, fmt.Sprintf("%s (%s on %s): matched no finding", e.Source, strings.Join(e.Checks, ","), e.Resource))
		case exception.StatusExpired:
			attention = append(attention, fmt.Sprintf("%s (%s on %s): expired %s, would suppress %s", e.Source, strings.Join(e.Checks, ","), e.Resource, e.Expires, plural(e.Matched, "finding")))
		case exception.StatusInvalid:
			attention = append(attention, fmt.Sprintf("%s: not honoured: %s", e.Source, e.Problem))
		}
	}
	writeList(w, "Exceptions that need attention:", attention)

	loadErrs := make([]string, 0, len(r.LoadErrors))
	for _, e := range r.LoadErrors {
		loadErrs = append(loadErrs, e.String())
	}
	writeList(w, "Load errors:", loadErrs)
	writeList(w, "Notes:", r.Notes)
}

func writeList(w io.Writer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for _, it := range items {
		fmt.Fprintf(w, "  %s\n", it)
	}
}

// plural renders "1 finding" or "2 findings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeCompleteness writes the completeness line of a live scan and the
// kinds and checks that were not assessed.
func writeCompleteness(w io.Writer, c *Completeness) {
	if c == nil {
		return
	}
	fmt.Fprintf(w, "Completeness: %d%% (%d of %d object kinds assessed).\n", c.Percent, c.Assessed, c.Needed)
	var kinds []string
	for _, k := range c.NotAssessed {
		kinds = append(kinds, k.Kind+": "+k.Status)
	}
	writeList(w, "Not assessed:", kinds)
	if len(c.Skipped) > 0 {
		writeList(w, "Skipped (cluster-scoped, outside the namespace):", []string{strings.Join(c.Skipped, ", ")})
	}
	var checks []string
	for _, ch := range c.ChecksNotAssessed {
		checks = append(checks, ch.ID+": "+ch.Reason)
	}
	writeList(w, "Checks not assessed (findings dropped):", checks)
}
