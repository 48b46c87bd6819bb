package report

import (
	"io"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
)

// SchemaVersion identifies the JSON report schema documented in the
// package comment.
const SchemaVersion = "landfall.dev/scan-report/v1alpha1"

type jsonSummary struct {
	Objects    int            `json:"objects"`
	Files      int            `json:"files"`
	Findings   int            `json:"findings"`
	Suppressed int            `json:"suppressed"`
	LoadErrors int            `json:"loadErrors"`
	BySeverity jsonSeverities `json:"bySeverity"`
}

type jsonSeverities struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
}

type jsonCheck struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Techniques  []string `json:"techniques"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
}

type jsonFinding struct {
	ID          string            `json:"id"`
	Check       string            `json:"check"`
	Title       string            `json:"title"`
	Severity    string            `json:"severity"`
	Techniques  []string          `json:"techniques"`
	Tactics     []string          `json:"tactics"`
	Object      posture.ObjectRef `json:"object"`
	Source      posture.Source    `json:"source"`
	Path        string            `json:"path,omitempty"`
	Message     string            `json:"message"`
	Remediation string            `json:"remediation"`
}

type jsonSuppressed struct {
	jsonFinding
	SuppressedBy exception.Suppression `json:"suppressedBy"`
}

type jsonLoadError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// writeJSON writes the report as one indented JSON document, encoding the
// findings one at a time.
func writeJSON(w io.Writer, r *Report, _ Options) error {
	c := loadCatalog()
	counts := r.CountBySeverity()
	checks := make([]jsonCheck, 0, len(r.Checks))
	for _, ch := range r.Checks {
		checks = append(checks, jsonCheck{
			ID: ch.ID, Title: ch.Title, Severity: ch.Severity.String(), Techniques: nonNil(ch.Techniques),
			Description: ch.Description, Remediation: ch.Remediation,
		})
	}
	loadErrors := make([]jsonLoadError, 0, len(r.LoadErrors))
	for _, e := range r.LoadErrors {
		loadErrors = append(loadErrors, jsonLoadError(e))
	}

	j := newJSONStream(w)
	j.open("", "{")
	j.value("schemaVersion", SchemaVersion)
	j.value("root", r.Root)
	j.value("summary", jsonSummary{
		Objects:    r.Objects,
		Files:      len(r.Files),
		Findings:   len(r.Findings),
		Suppressed: len(r.Suppressed),
		LoadErrors: len(r.LoadErrors),
		BySeverity: jsonSeverities{
			Critical: counts[posture.SeverityCritical],
			High:     counts[posture.SeverityHigh],
			Medium:   counts[posture.SeverityMedium],
			Low:      counts[posture.SeverityLow],
		},
	})
	j.value("checks", checks)
	streamArray(j, "findings", len(r.Findings), func(i int) jsonFinding {
		return toJSONFinding(c, &r.Findings[i])
	})
	streamArray(j, "suppressed", len(r.Suppressed), func(i int) jsonSuppressed {
		s := &r.Suppressed[i]
		return jsonSuppressed{jsonFinding: toJSONFinding(c, &s.Finding), SuppressedBy: s.By}
	})
	j.value("exceptions", nonNil(r.Exceptions))
	j.value("loadErrors", loadErrors)
	j.value("notes", nonNil(r.Notes))
	j.value("files", nonNil(r.Files))
	if c := r.Completeness; c != nil {
		out := *c
		out.Kinds, out.NotAssessed, out.Skipped = nonNil(c.Kinds), nonNil(c.NotAssessed), nonNil(c.Skipped)
		out.ChecksNotAssessed = nonNil(c.ChecksNotAssessed)
		j.value("completeness", out)
	}
	j.close("}")
	return j.finish()
}

func toJSONFinding(c *catalog, f *posture.Finding) jsonFinding {
	return jsonFinding{
		ID: f.ID, Check: f.CheckID, Title: f.Title, Severity: f.Severity.String(),
		Techniques: nonNil(f.Techniques), Tactics: nonNil(c.tacticsOf(f.Techniques)),
		Object: f.Object, Source: f.Source, Path: f.Path, Message: f.Message, Remediation: f.Remediation,
	}
}

// nonNil returns s, or an empty slice for nil, so that JSON arrays are
// never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
