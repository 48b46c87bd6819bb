package template

import (
	"bytes"
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

func TestRenderBuiltinBaseline(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args     []string
		want     []string
		wantCode int
	}{
		"baseline renders for the given space and account": {
			args: []string{"render", "--builtin", "baseline", "--space", "web", "--account", "acme", "-p", "QUOTA_PODS=7"},
			want: []string{"kind: NetworkPolicy", "landfall.dev/account: acme", "namespace: web", `pods: "7"`, "pod-security.kubernetes.io/enforce: restricted"},
		},
		"a bad parameter value is a usage error naming it": {
			args: []string{"render", "--builtin", "baseline", "-p", "POD_SECURITY=none"}, want: []string{"parameter POD_SECURITY"}, wantCode: cliutil.ExitUsage,
		},
		"an unknown built-in is a usage error": {
			args: []string{"render", "--builtin", "nope"}, want: []string{`no built-in template "nope"`}, wantCode: cliutil.ExitUsage,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := Command()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SetArgs(tc.args)
			err := cmd.Execute()
			if code := cliutil.ExitCode(err); code != tc.wantCode {
				t.Fatalf("exit code %d (%v), want %d", code, err, tc.wantCode)
			}
			text := out.String()
			if err != nil {
				text += err.Error()
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
		})
	}
}
