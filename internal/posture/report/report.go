package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
)

// Report is everything a scan produced, ready to render.
type Report struct {
	// Root is the scan root that Source.File paths are relative to: the
	// directory scanned, or the current directory for several paths.
	Root string
	// Version is Landfall's version, for tool metadata (SARIF).
	Version string
	// Objects counts the Kubernetes objects scanned.
	Objects int
	// Files are the files read, relative to Root, in scan order.
	Files []string
	// Checks are the checks that ran, sorted by ID.
	Checks []CheckInfo
	// Findings are the findings no exception suppressed, sorted by
	// posture.SortFindings.
	Findings []posture.Finding
	// Suppressed are the findings an exception suppressed.
	Suppressed []Suppressed
	// Exceptions are every exception with what it did.
	Exceptions []exception.Outcome
	// LoadErrors are the inputs that could not be read or decoded.
	LoadErrors []LoadError
	// Notes are remarks for the reader, for example skipped files.
	Notes []string
	// Completeness is set for a scan of a live cluster: which object
	// kinds could be read and which could not. Nil for manifest scans.
	Completeness *Completeness
}

// Completeness says how much of a live cluster a scan could see.
type Completeness struct {
	// Cluster names the cluster (kubeconfig context or server).
	Cluster string `json:"cluster"`
	// Namespace is the namespace scanned; empty for all namespaces.
	Namespace string `json:"namespace,omitempty"`
	// Percent is Assessed/Needed in whole percent, rounded down.
	Percent int `json:"percent"`
	// Needed counts the object kinds in scope that the cluster serves.
	Needed int `json:"kindsNeeded"`
	// Assessed counts the kinds of Needed that were read in full.
	Assessed int `json:"kindsAssessed"`
	// Kinds are every kind the checks need with what became of it.
	Kinds []KindStatus `json:"kinds"`
	// NotAssessed are the kinds in scope that could not be read, with
	// the reason ("not assessed: forbidden").
	NotAssessed []KindStatus `json:"notAssessed"`
	// Skipped are cluster-scoped kinds left out of a namespace scan.
	Skipped []string `json:"skipped"`
	// ChecksNotAssessed are checks whose findings were dropped because a
	// kind they look up could not be read.
	ChecksNotAssessed []CheckNotAssessed `json:"checksNotAssessed"`
}

// KindStatus is what a live scan did with one object kind.
type KindStatus struct {
	// Kind is the object kind.
	Kind string `json:"kind"`
	// Resource is resource.group/version, empty when not served.
	Resource string `json:"resource,omitempty"`
	// Listed counts the objects read.
	Listed int `json:"listed"`
	// Status is "assessed", "not assessed: forbidden",
	// "not assessed: <error>", "skipped: ..." or "not served".
	Status string `json:"status"`
}

// CheckNotAssessed is a check whose findings a live scan dropped.
type CheckNotAssessed struct {
	// ID is the check ID.
	ID string `json:"id"`
	// Reason says which kinds were missing.
	Reason string `json:"reason"`
}

// sourceLocation renders where a finding's object came from: file:line
// for manifests, cluster:<name> for live objects.
func sourceLocation(s posture.Source) string {
	if s.File == "" && s.Cluster != "" {
		return "cluster:" + s.Cluster
	}
	return location(s.File, s.Line)
}

// CheckInfo is the metadata of a check that ran.
type CheckInfo struct {
	ID          string
	Title       string
	Severity    posture.Severity
	Techniques  []string
	Description string
	Remediation string
}

// CheckInfoOf returns the metadata of a check.
func CheckInfoOf(c posture.Check) CheckInfo {
	return CheckInfo{
		ID:          c.ID,
		Title:       c.Title,
		Severity:    c.Severity,
		Techniques:  c.Techniques,
		Description: c.Description,
		Remediation: c.Remediation,
	}
}

// Suppressed is a finding that an exception suppressed.
type Suppressed struct {
	posture.Finding
	// By is the exception that suppressed it.
	By exception.Suppression
}

// LoadError is an input that could not be read or decoded.
type LoadError struct {
	// File is the file, relative to the scan root where possible.
	File string
	// Line is the 1-based line of the problem, 0 when unknown.
	Line int
	// Message says what went wrong.
	Message string
}

// String renders file:line: message.
func (e LoadError) String() string {
	if e.File == "" {
		return e.Message
	}
	return location(e.File, e.Line) + ": " + e.Message
}

// location renders file:line, file alone when the line is unknown, and
// "-" when there is no file.
func location(file string, line int) string {
	switch {
	case file == "":
		return "-"
	case line > 0:
		return fmt.Sprintf("%s:%d", file, line)
	default:
		return file
	}
}

// Severities returns the severities, highest first.
func Severities() []posture.Severity {
	return []posture.Severity{posture.SeverityCritical, posture.SeverityHigh, posture.SeverityMedium, posture.SeverityLow}
}

// CountBySeverity counts the findings per severity.
func (r *Report) CountBySeverity() map[posture.Severity]int {
	n := map[posture.Severity]int{}
	for i := range r.Findings {
		n[r.Findings[i].Severity]++
	}
	return n
}

// AtOrAbove counts the findings of severity min or higher.
func (r *Report) AtOrAbove(min posture.Severity) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Severity >= min {
			n++
		}
	}
	return n
}

// Format is an output format.
type Format string

// Output formats.
const (
	FormatTable  Format = "table"
	FormatMatrix Format = "matrix"
	FormatJSON   Format = "json"
	FormatSARIF  Format = "sarif"
	FormatJUnit  Format = "junit"
	FormatHTML   Format = "html"
)

// Formats returns every format, the default first.
func Formats() []Format {
	return []Format{FormatTable, FormatMatrix, FormatJSON, FormatSARIF, FormatJUnit, FormatHTML}
}

// Options tune rendering.
type Options struct {
	// Color turns on ANSI colours in the table and matrix formats; set
	// it only when writing to a terminal.
	Color bool
}

// writers maps each format to its writer.
var writers = map[Format]func(io.Writer, *Report, Options) error{
	FormatTable:  writeTable,
	FormatMatrix: writeMatrix,
	FormatJSON:   writeJSON,
	FormatSARIF:  writeSARIF,
	FormatJUnit:  writeJUnit,
	FormatHTML:   writeHTML,
}

// Write renders r to w in format f.
func Write(w io.Writer, f Format, r *Report, opts Options) error {
	fn, ok := writers[f]
	if !ok {
		names := make([]string, 0, len(writers))
		for _, f := range Formats() {
			names = append(names, string(f))
		}
		return fmt.Errorf("unknown report format %q (one of %s)", f, strings.Join(names, ", "))
	}
	if err := fn(w, r, opts); err != nil {
		return fmt.Errorf("writing %s report: %w", f, err)
	}
	return nil
}

// sortedBySeverity returns the findings, highest severity first, keeping
// the order of findings of equal severity.
func sortedBySeverity(fs []*posture.Finding) []*posture.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b *posture.Finding) int { return int(b.Severity) - int(a.Severity) })
	return out
}
