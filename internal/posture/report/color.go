package report

import "github.com/landfall-dev/landfall/internal/posture"

// ANSI escape sequences for terminal output.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

// severityColor is the ANSI colour of each severity: the heat of the
// matrix view and the severity column of the table.
var severityColor = map[posture.Severity]string{
	posture.SeverityCritical: "\x1b[1;97;41m", // bold white on red
	posture.SeverityHigh:     "\x1b[1;31m",    // bold red
	posture.SeverityMedium:   "\x1b[33m",      // yellow
	posture.SeverityLow:      "\x1b[36m",      // cyan
}

// painter applies ANSI styles when colour is on and is a no-op otherwise.
type painter bool

// paint wraps s in the style.
func (p painter) paint(style, s string) string {
	if !p || style == "" {
		return s
	}
	return style + s + ansiReset
}

// severity paints s in the colour of sev.
func (p painter) severity(sev posture.Severity, s string) string {
	return p.paint(severityColor[sev], s)
}
