package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// junitLoadSuite names the testsuite of load errors.
const junitLoadSuite = "landfall-load"

// writeJUnit writes one testsuite per check with one testcase per (check,
// object): failed with the findings' messages, skipped when exceptions
// suppressed them. A check without findings has one passing testcase.
// Load errors form a last testsuite of errors.
func writeJUnit(w io.Writer, r *Report, _ Options) error {
	doc := toJUnit(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitObject collects the findings of one check on one object.
type junitObject struct {
	ref        posture.ObjectRef
	source     posture.Source
	findings   []*posture.Finding
	suppressed []*Suppressed
}

func toJUnit(r *Report) junitSuites {
	type key struct {
		check  string
		ref    posture.ObjectRef
		source posture.Source
	}
	byCheck := map[string][]*junitObject{}
	seen := map[key]*junitObject{}
	objectOf := func(f *posture.Finding) *junitObject {
		k := key{f.CheckID, f.Object, f.Source}
		if o := seen[k]; o != nil {
			return o
		}
		o := &junitObject{ref: f.Object, source: f.Source}
		seen[k] = o
		byCheck[f.CheckID] = append(byCheck[f.CheckID], o)
		return o
	}
	for i := range r.Findings {
		o := objectOf(&r.Findings[i])
		o.findings = append(o.findings, &r.Findings[i])
	}
	for i := range r.Suppressed {
		o := objectOf(&r.Suppressed[i].Finding)
		o.suppressed = append(o.suppressed, &r.Suppressed[i])
	}

	checks := slices.Clone(r.Checks)
	for id := range byCheck {
		if !slices.ContainsFunc(checks, func(c CheckInfo) bool { return c.ID == id }) {
			checks = append(checks, CheckInfo{ID: id}) // keep findings of unlisted checks
		}
	}
	slices.SortStableFunc(checks, func(a, b CheckInfo) int { return strings.Compare(a.ID, b.ID) })

	doc := junitSuites{Name: "landfall scan"}
	for _, ch := range checks {
		s := junitSuite{Name: ch.ID}
		if ch.Severity != 0 {
			s.Properties = &junitProperties{Property: []junitProperty{
				{Name: "title", Value: ch.Title},
				{Name: "severity", Value: ch.Severity.String()},
				{Name: "techniques", Value: strings.Join(ch.Techniques, ",")},
			}}
		}
		for _, o := range byCheck[ch.ID] {
			tc := junitCase{Name: o.ref.String(), ClassName: ch.ID, File: o.source.File, Line: o.source.Line}
			switch {
			case len(o.findings) > 0:
				tc.Failure = junitFailure(o)
				s.Failures++
			default:
				sup := o.suppressed[0]
				tc.Skipped = &junitProblem{Message: fmt.Sprintf("suppressed by %s: %s", sup.By.By, sup.By.Reason)}
				s.Skipped++
			}
			s.Cases = append(s.Cases, tc)
		}
		if len(s.Cases) == 0 {
			s.Cases = []junitCase{{Name: "all objects", ClassName: ch.ID}}
		}
		s.Tests = len(s.Cases)
		doc.add(s)
	}
	if len(r.LoadErrors) > 0 {
		s := junitSuite{Name: junitLoadSuite}
		for _, e := range r.LoadErrors {
			s.Cases = append(s.Cases, junitCase{
				Name: location(e.File, e.Line), ClassName: junitLoadSuite, File: e.File, Line: e.Line,
				Error: &junitProblem{Message: e.Message, Type: "load"},
			})
		}
		s.Tests, s.Errors = len(s.Cases), len(s.Cases)
		doc.add(s)
	}
	return doc
}

func (d *junitSuites) add(s junitSuite) {
	d.Suites = append(d.Suites, s)
	d.Tests += s.Tests
	d.Failures += s.Failures
	d.Errors += s.Errors
	d.Skipped += s.Skipped
}

// junitFailure lists an object's findings of one check, worst first.
func junitFailure(o *junitObject) *junitProblem {
	fs := sortedBySeverity(o.findings)
	msgs := make([]string, 0, len(fs))
	var text strings.Builder
	fmt.Fprintf(&text, "%s at %s\n", o.ref, sourceLocation(o.source))
	for _, f := range fs {
		msgs = append(msgs, f.Message)
		fmt.Fprintf(&text, "%s: %s\n", orDash(f.Path), f.Message)
	}
	fmt.Fprintf(&text, "Remediation: %s\n", fs[0].Remediation)
	return &junitProblem{Message: strings.Join(msgs, "; "), Type: fs[0].Severity.String(), Text: text.String()}
}
