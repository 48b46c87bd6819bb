package report

import (
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// SARIF constants.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifRootBase is the uriBaseId that result locations are relative
	// to; code-scanning services resolve it to the repository checkout.
	sarifRootBase = "%SRCROOT%"
	// sarifFingerprint keys the finding ID in partialFingerprints.
	sarifFingerprint = "landfallFindingId/v1"
	// toolURI is Landfall's home page.
	toolURI = "https://github.com/landfall-dev/landfall"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Invocations        []sarifInvocation                `json:"invocations"`
	// Results are streamed by writeSARIF; the field serves tests that
	// decode a log.
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      sarifMessage       `json:"fullDescription"`
	Help                 sarifMessage       `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Severity   string   `json:"severity"`
	Techniques []string `json:"techniques"`
	Object     string   `json:"object"`
	Path       string   `json:"path,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifLevel maps severities to SARIF levels.
func sarifLevel(s posture.Severity) string {
	switch {
	case s >= posture.SeverityHigh:
		return "error"
	case s == posture.SeverityMedium:
		return "warning"
	default:
		return "note"
	}
}

// securitySeverity maps severities to the CVSS-like scores code-scanning
// services rank by (critical above 9.0, high 7.0 to 8.9, medium 4.0 to
// 6.9, low below 4.0).
func securitySeverity(s posture.Severity) string {
	switch s {
	case posture.SeverityCritical:
		return "9.5"
	case posture.SeverityHigh:
		return "8.0"
	case posture.SeverityMedium:
		return "5.5"
	default:
		return "3.0"
	}
}

// writeSARIF writes a SARIF 2.1.0 log with one run, encoding the results
// one at a time.
func writeSARIF(w io.Writer, r *Report, _ Options) error {
	run, result := sarifRunOf(r)
	j := newJSONStream(w)
	j.open("", "{")
	j.value("$schema", sarifSchema)
	j.value("version", sarifVersion)
	j.open("runs", "[")
	j.open("", "{")
	j.value("tool", run.Tool)
	if run.OriginalURIBaseIDs != nil {
		j.value("originalUriBaseIds", run.OriginalURIBaseIDs)
	}
	j.value("invocations", run.Invocations)
	streamArray(j, "results", len(r.Findings)+len(r.Suppressed), func(i int) sarifResult {
		if i < len(r.Findings) {
			return result(&r.Findings[i])
		}
		s := &r.Suppressed[i-len(r.Findings)]
		res := result(&s.Finding)
		kind := "external"
		if s.By.Annotation {
			kind = "inSource" // an annotation in the manifest itself
		}
		res.Suppressions = []sarifSuppression{{Kind: kind, Justification: s.By.By + ": " + s.By.Reason}}
		return res
	})
	j.close("}")
	j.close("]")
	j.close("}")
	return j.finish()
}

// sarifRunOf returns the run without results, and the function that turns
// a finding into a result.
func sarifRunOf(r *Report) (sarifRun, func(*posture.Finding) sarifResult) {
	c := loadCatalog()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "landfall", Version: r.Version, InformationURI: toolURI,
			Rules: make([]sarifRule, 0, len(r.Checks)),
		}},
	}
	if filepath.IsAbs(r.Root) {
		root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(r.Root)}).String()
		if !strings.HasSuffix(root, "/") {
			root += "/"
		}
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifRootBase: {URI: root}}
	}

	ruleIndex := map[string]int{}
	for i, ch := range r.Checks {
		ruleIndex[ch.ID] = i
		tags := []string{"security", "kubernetes"}
		tags = append(tags, ch.Techniques...)
		tags = append(tags, c.tacticsOf(ch.Techniques)...)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   ch.ID,
			Name:                 ruleName(ch.ID),
			ShortDescription:     sarifMessage{Text: ch.Title},
			FullDescription:      sarifMessage{Text: orText(ch.Description, ch.Title)},
			Help:                 sarifHelp(c, ch),
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(ch.Severity)},
			Properties: sarifRuleProps{
				Tags: tags, Precision: "high", SecuritySeverity: securitySeverity(ch.Severity),
			},
		})
	}

	inv := sarifInvocation{ExecutionSuccessful: len(r.LoadErrors) == 0}
	for _, e := range r.LoadErrors {
		n := sarifNotification{Level: "error", Message: sarifMessage{Text: e.Message}}
		if pl := physicalLocation(r.Root, e.File, e.Line); pl != nil {
			n.Locations = []sarifLocation{{PhysicalLocation: pl}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}

	result := func(f *posture.Finding) sarifResult {
		res := sarifResult{
			RuleID:              f.CheckID,
			RuleIndex:           -1, // a finding of a check not in the report's list
			Level:               sarifLevel(f.Severity),
			Message:             sarifMessage{Text: f.Object.String() + ": " + f.Message},
			PartialFingerprints: map[string]string{sarifFingerprint: f.ID},
			Properties: sarifResultProps{
				Severity: f.Severity.String(), Techniques: nonNil(f.Techniques),
				Object: f.Object.String(), Path: f.Path,
			},
			Locations: []sarifLocation{{
				PhysicalLocation: physicalLocation(r.Root, f.Source.File, f.Source.Line),
				LogicalLocations: []sarifLogicalLocation{{
					Name: f.Object.Name, FullyQualifiedName: f.Object.String(), Kind: "object",
				}},
			}},
		}
		if i, ok := ruleIndex[f.CheckID]; ok {
			res.RuleIndex = i
		}
		return res
	}
	return run, result
}

// physicalLocation locates file:line relative to the scan root, or nil when
// the object came from no file (stdin, a live cluster).
func physicalLocation(root, file string, line int) *sarifPhysicalLocation {
	if file == "" || file == "-" || file == "<stdin>" {
		return nil
	}
	loc := &sarifPhysicalLocation{}
	if filepath.IsAbs(file) {
		if rel, err := filepath.Rel(root, file); err == nil && filepath.IsAbs(root) && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	if filepath.IsAbs(file) {
		loc.ArtifactLocation = sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()}
	} else {
		loc.ArtifactLocation = sarifArtifactLocation{
			URI:       (&url.URL{Path: filepath.ToSlash(file)}).String(),
			URIBaseID: sarifRootBase,
		}
	}
	if line > 0 {
		loc.Region = &sarifRegion{StartLine: line}
	}
	return loc
}

// sarifHelp renders the remediation and the techniques of a check.
func sarifHelp(c *catalog, ch CheckInfo) sarifMessage {
	var text, md strings.Builder
	text.WriteString(ch.Remediation)
	md.WriteString("**Remediation:** " + ch.Remediation)
	if len(ch.Techniques) > 0 {
		text.WriteString("\n\nThreat Matrix techniques:")
		md.WriteString("\n\n**Threat Matrix techniques:**\n")
		for _, t := range ch.Techniques {
			name := c.techniqueName(t)
			text.WriteString("\n- " + t + " " + name)
			md.WriteString("\n- " + t + " " + name)
		}
	}
	return sarifMessage{Text: text.String(), Markdown: md.String()}
}

// ruleName turns a kebab-case check ID into the PascalCase name SARIF
// viewers show, for example "PrivilegedContainer".
func ruleName(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func orText(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
