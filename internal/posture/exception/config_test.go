package exception

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		yaml    string
		want    []Rule
		wantErr []string
	}{
		"empty file has no exceptions": {yaml: "", want: nil},
		"full entry with a date expiry": {
			yaml: `
exceptions:
  - checks: [privileged-container, "host-*"]
    resource: {kind: DaemonSet, namespace: kube-system, name: "cilium*"}
    reason: CNI agent
    expires: 2026-12-31
`,
			want: []Rule{{
				Field:  "landfall.yaml: exceptions[0]",
				Checks: []string{"privileged-container", "host-*"},
				Kind:   "DaemonSet", Namespace: "kube-system", Name: "cilium*",
				Reason:      "CNI agent",
				Expires:     time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
				ExpiresText: "2026-12-31",
			}},
		},
		"resource may be left out and expiry may be a time": {
			yaml: `
exceptions:
  - checks: ["*"]
    reason: legacy
    expires: "2026-06-01T12:00:00Z"
`,
			want: []Rule{{
				Field: "landfall.yaml: exceptions[0]", Checks: []string{"*"}, Reason: "legacy",
				Expires: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), ExpiresText: "2026-06-01T12:00:00Z",
			}},
		},
		"missing reason and checks are named by field": {
			yaml: `
exceptions:
  - checks: [a]
    reason: ok
  - checks: [b]
    reason: ok
  - resource: {kind: Pod}
`,
			wantErr: []string{
				"landfall.yaml: exceptions[2].checks: required",
				"landfall.yaml: exceptions[2].reason: required",
			},
		},
		"every problem is reported at once": {
			yaml: `
exceptions:
  - checks: privileged-container
    resource: {kind: "[", owner: me}
    reason: x
    expires: next week
    note: y
unknown: 1
`,
			wantErr: []string{
				"landfall.yaml: exceptions[0].checks: must be a list of check IDs",
				`landfall.yaml: exceptions[0].resource.kind: bad pattern "["`,
				"landfall.yaml: exceptions[0].resource.owner: unknown field",
				`landfall.yaml: exceptions[0].expires: "next week" is not a date (YYYY-MM-DD) or RFC 3339 time`,
				"landfall.yaml: exceptions[0].note: unknown field",
				"landfall.yaml: unknown: unknown field",
			},
		},
		"exceptions must be a list": {
			yaml:    "exceptions: {checks: [a]}",
			wantErr: []string{"landfall.yaml: exceptions: must be a list"},
		},
		"broken YAML names the file and line": {
			yaml:    "exceptions:\n  - checks: [a\n",
			wantErr: []string{"landfall.yaml: yaml: line"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("landfall.yaml", []byte(tc.yaml))
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("Parse() = nil error, want %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("Parse() error\n%v\nmissing %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if len(cfg.Exceptions) != len(tc.want) {
				t.Fatalf("got %d exceptions, want %d: %+v", len(cfg.Exceptions), len(tc.want), cfg.Exceptions)
			}
			for i := range tc.want {
				got, want := cfg.Exceptions[i], tc.want[i]
				if !equalRule(got, want) {
					t.Errorf("exception %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

func equalRule(a, b Rule) bool {
	return a.Field == b.Field && strings.Join(a.Checks, ",") == strings.Join(b.Checks, ",") &&
		a.Kind == b.Kind && a.Namespace == b.Namespace && a.Name == b.Name &&
		a.Reason == b.Reason && a.Expires.Equal(b.Expires) && a.ExpiresText == b.ExpiresText
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("landfall.yaml", []byte(`
exceptions:
  - checks: [privileged-container, "host-*", privilegd-container]
    reason: x
`))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Validate([]string{"privileged-container", "host-path-mount"})
	want := `landfall.yaml: exceptions[0].checks[2]: "privilegd-container" matches no check`
	if err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want %q", err, want)
	}
}

func TestRuleMatches(t *testing.T) {
	t.Parallel()
	r := Rule{Checks: []string{"host-*"}, Kind: "DaemonSet", Namespace: "kube-*"}
	tests := map[string]struct {
		check, kind, ns, name string
		want                  bool
	}{
		"glob on check and namespace":       {"host-path-mount", "DaemonSet", "kube-system", "x", true},
		"other check":                       {"privileged-container", "DaemonSet", "kube-system", "x", false},
		"other kind":                        {"host-path-mount", "Deployment", "kube-system", "x", false},
		"other namespace":                   {"host-path-mount", "DaemonSet", "default", "x", false},
		"empty name pattern matches a name": {"host-network", "DaemonSet", "kube-public", "anything", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := r.Matches(tc.check, tc.kind, tc.ns, tc.name); got != tc.want {
				t.Errorf("Matches() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuleExpired(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := Rule{Expires: day}
	if r.Expired(day.Add(-time.Second)) {
		t.Error("expired before its time")
	}
	if !r.Expired(day) {
		t.Error("not expired at its time")
	}
	if (Rule{}).Expired(day) {
		t.Error("a rule without expiry expired")
	}
}
