package secrets

import (
	"regexp"
	"strings"
)

// credentialName matches key names that hold credentials.
var credentialName = regexp.MustCompile(`(?i)(passw(or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|credential|access[_-]?key|auth[_-]?key|client[_-]?secret|conn(ection)?[_-]?str)`)

// notCredentialName matches key names that look like credentials but name
// files, paths or settings instead.
var notCredentialName = regexp.MustCompile(`(?i)(_file|_path|_dir|_url|_uri|_name|_ref|_id|_enabled|_ttl|_expiry|_length|_header|_secret_name|secretname|keyref)$`)

// knownToken is a credential format recognizable by its value, with the
// prefix that messages may show.
type knownToken struct {
	re     *regexp.Regexp
	prefix string
	// literal must occur in a value for re to match; it filters values
	// cheaply before the regular expression runs.
	literal string
}

var knownTokens = []knownToken{
	{regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`), "AKIA", "AKIA"},
	{regexp.MustCompile(`\bASIA[0-9A-Z]{16}\b`), "ASIA", "ASIA"},
	{regexp.MustCompile(`\bghp_[A-Za-z0-9]{36}\b`), "ghp_", "ghp_"},
	{regexp.MustCompile(`\bgho_[A-Za-z0-9]{36}\b`), "gho_", "gho_"},
	{regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,}\b`), "github_pat_", "github_pat_"},
	{regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20}\b`), "glpat-", "glpat-"},
	{regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}\b`), "xox", "xox"},
	{regexp.MustCompile(`\bsk_live_[A-Za-z0-9]{20,}\b`), "sk_live_", "sk_live_"},
	{regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), "AIza", "AIza"},
	{regexp.MustCompile(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`), "-----BEGIN PRIVATE KEY", "PRIVATE KEY-----"},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`), "eyJ", "eyJ"},
	{regexp.MustCompile(`://[^/\s:@]+:[^/\s@]+@`), "://user:", "@"},
}

// assignment matches "password = x" or "token: x" lines inside a config
// file held in one value.
var assignment = regexp.MustCompile(`(?im)^\s*["']?([A-Za-z0-9_.-]*(passw(or)?d|secret|token|api[_-]?key|access[_-]?key)[A-Za-z0-9_.-]*)["']?\s*[:=]\s*["']?([^\s"'#]{6,})`)

// Finding is a credential spotted in a key/value pair.
type Finding struct {
	// Key is the key (or, inside a file value, the assignment's key).
	Key string
	// Shown is the redacted value for messages.
	Shown string
}

// Inspect reports whether key and value hold a credential.
func Inspect(key, value string) (Finding, bool) {
	for _, t := range knownTokens {
		if strings.Contains(value, t.literal) && t.re.MatchString(value) {
			return Finding{Key: key, Shown: t.prefix + "…(redacted)"}, true
		}
	}
	if credentialName.MatchString(key) && !notCredentialName.MatchString(key) && looksLiteral(value) {
		return Finding{Key: key, Shown: "(redacted)"}, true
	}
	if strings.Contains(value, "\n") && mentionsCredential(value) {
		if m := assignment.FindStringSubmatch(value); m != nil && looksLiteral(m[4]) {
			return Finding{Key: key + ": " + m[1], Shown: "(redacted)"}, true
		}
	}
	return Finding{}, false
}

// looksLiteral reports whether a value is a literal secret rather than
// empty, a placeholder or a reference to one.
func looksLiteral(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 4 || strings.Contains(v, "\n") {
		return false
	}
	lower := strings.ToLower(v)
	for _, p := range []string{"$(", "${", "{{", "<", "changeme", "xxx", "***", "redacted", "placeholder", "/", "true", "false"} {
		if strings.HasPrefix(lower, p) || lower == p {
			return false
		}
	}
	return true
}

// mentionsCredential is a cheap filter before the assignment expression.
func mentionsCredential(v string) bool {
	v = strings.ToLower(v)
	for _, w := range []string{"pass", "secret", "token", "key"} {
		if strings.Contains(v, w) {
			return true
		}
	}
	return false
}
