package secrets

import (
	"strings"
	"testing"
)

func TestInspectNamesTheKeyAndNeverShowsTheValue(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		key, value string
		want       Finding
		found      bool
	}{
		"an AWS access key shows only its prefix": {
			key: "aws", value: "AKIAIOSFODNN7EXAMPLE", want: Finding{Key: "aws", Shown: "AKIA…(redacted)"}, found: true,
		},
		"a GitHub token shows only its prefix": {
			key: "GH", value: "ghp_" + strings.Repeat("a1B2", 9), want: Finding{Key: "GH", Shown: "ghp_…(redacted)"}, found: true,
		},
		"a private key is recognized inside a value": {
			key: "tls.key", value: "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n", want: Finding{Key: "tls.key", Shown: "-----BEGIN PRIVATE KEY…(redacted)"}, found: true,
		},
		"a URL with a password is recognized": {
			key: "DATABASE_URL", value: "postgres://app:hunter22@db:5432/app", want: Finding{Key: "DATABASE_URL", Shown: "://user:…(redacted)"}, found: true,
		},
		"a password-named key with a literal is flagged": {
			key: "DB_PASSWORD", value: "correct-horse", want: Finding{Key: "DB_PASSWORD", Shown: "(redacted)"}, found: true,
		},
		"an assignment inside a config file names the inner key": {
			key: "app.ini", value: "[db]\napi_key = 0123456789abcdef\n", want: Finding{Key: "app.ini: api_key", Shown: "(redacted)"}, found: true,
		},
		"a password file path is not a credential":      {key: "DB_PASSWORD_FILE", value: "/run/secrets/db"},
		"an interpolated reference is not a credential": {key: "API_TOKEN", value: "$(TOKEN)"},
		"a template placeholder is not a credential":    {key: "secret", value: "{{ .Values.secret }}"},
		"a harmless key is not a credential":            {key: "LOG_LEVEL", value: "debug-verbose"},
		"an empty value is not a credential":            {key: "PASSWORD", value: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, found := Inspect(tc.key, tc.value)
			if found != tc.found || got != tc.want {
				t.Errorf("got %+v %v, want %+v %v", got, found, tc.want, tc.found)
			}
			if found && tc.value != "" && strings.Contains(got.Shown, tc.value) {
				t.Errorf("shown value %q contains the secret", got.Shown)
			}
		})
	}
}
