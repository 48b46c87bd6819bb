package report

import (
	"bytes"
	"embed"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// htmlTemplate is parsed on first use, once: most scans never write HTML.
var htmlTemplate = sync.OnceValues(func() (*template.Template, error) {
	return template.New("report.html.tmpl").ParseFS(templateFS, "templates/*.tmpl")
})

type htmlData struct {
	Root, Version string
	Objects       int
	Files         int
	Total         int
	Severities    []htmlCount
	Suppressed    []htmlFinding
	Columns       []gridColumn
	Rows          [][]*htmlCell
	Tactics       []threatmatrix.Tactic
	Findings      []htmlFinding
	Exceptions    []exception.Outcome
	LoadErrors    []LoadError
	Notes         []string
	Attribution   string
}

type htmlCount struct {
	Name  string
	Rank  int
	Count int
}

type htmlCell struct {
	ID, Short, Name string
	Count           int
	Severity        string
}

type htmlFinding struct {
	*posture.Finding
	SeverityName string
	SeverityRank int
	Techniques   []htmlTechnique
	Tactic       string
	Also         string
	TacticIDs    string
	Location     string
	Search       string
	By           *exception.Suppression
}

type htmlTechnique struct{ ID, Name string }

// writeHTML writes one self-contained HTML page.
func writeHTML(w io.Writer, r *Report, _ Options) error {
	tmpl, err := htmlTemplate()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, toHTML(r)); err != nil {
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}

func toHTML(r *Report) htmlData {
	c := loadCatalog()
	g := buildGrid(r.Findings)
	counts := r.CountBySeverity()
	d := htmlData{
		Root: r.Root, Version: r.Version, Objects: r.Objects, Files: len(r.Files), Total: len(r.Findings),
		Columns: g.Columns, Tactics: c.tactics, Exceptions: r.Exceptions, LoadErrors: r.LoadErrors,
		Notes: r.Notes, Attribution: threatmatrix.Attribution,
	}
	for _, s := range Severities() {
		d.Severities = append(d.Severities, htmlCount{Name: s.String(), Rank: int(s), Count: counts[s]})
	}
	for row := range g.Height {
		cells := make([]*htmlCell, len(g.Columns))
		for i, col := range g.Columns {
			if row >= len(col.Cells) {
				continue
			}
			cell := col.Cells[row]
			hc := &htmlCell{
				ID: cell.Technique.ID, Short: strings.TrimPrefix(cell.Technique.ID, "MS-TA"),
				Name: cell.Technique.Name, Count: cell.Count,
			}
			if cell.Count > 0 {
				hc.Severity = cell.Max.String()
			}
			cells[i] = hc
		}
		d.Rows = append(d.Rows, cells)
	}
	for _, grp := range groupByTactic(r.Findings) {
		for _, row := range grp.Rows {
			d.Findings = append(d.Findings, htmlFindingOf(c, row.Finding, grp.Name, row.Also))
		}
	}
	for i := range r.Suppressed {
		s := &r.Suppressed[i]
		hf := htmlFindingOf(c, &s.Finding, "", nil)
		hf.By = &s.By
		d.Suppressed = append(d.Suppressed, hf)
	}
	return d
}

func htmlFindingOf(c *catalog, f *posture.Finding, tactic string, also []string) htmlFinding {
	hf := htmlFinding{
		Finding:      f,
		SeverityName: f.Severity.String(),
		SeverityRank: int(f.Severity),
		Tactic:       tactic,
		Also:         strings.Join(also, ", "),
		TacticIDs:    strings.Join(c.tacticsOf(f.Techniques), " "),
		Location:     sourceLocation(f.Source),
	}
	for _, t := range f.Techniques {
		hf.Techniques = append(hf.Techniques, htmlTechnique{ID: t, Name: c.techniqueName(t)})
	}
	hf.Search = strings.ToLower(strings.Join([]string{
		f.CheckID, f.Title, f.Object.String(), hf.Location, f.Path, f.Message,
		strings.Join(f.Techniques, " "), tactic,
	}, " "))
	return hf
}
