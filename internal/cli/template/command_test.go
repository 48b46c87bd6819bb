package template

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
	"github.com/landfall-dev/landfall/internal/tenancy"
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

// run executes `landfall template` with args and stdin, with the
// conventions the root gives it.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := Command()
	cliutil.Conventions(cmd)
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	cmd.SetContext(t.Context())
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

// teamTemplate is a template file that uses an account label and a
// parameter.
const teamTemplate = `apiVersion: landfall.dev/v1alpha1
kind: Template
metadata:
  name: team-config
spec:
  parameters:
  - name: TIER
    default: bronze
  resources:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: team
    data:
      team: ${ACCOUNT_LABEL_TEAM}
      tier: ${TIER}
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRender_FileInputs(t *testing.T) {
	t.Parallel()
	plain := strings.ReplaceAll(teamTemplate, "${ACCOUNT_LABEL_TEAM}", "none")
	file := writeFile(t, "t.yaml", plain)
	tests := map[string]struct {
		stdin    string
		args     []string
		want     []string
		wantCode int
	}{
		"a file": {
			args: []string{"render", "-f", file, "--space", "web", "-p", "TIER=gold"},
			want: []string{"# template team-config for space web of account example", "namespace: web", "tier: gold"},
		},
		"standard input": {
			stdin: "# a header comment\n---\n" + plain,
			args:  []string{"render", "-f", "-"},
			want:  []string{"kind: ConfigMap", "tier: bronze"},
		},
		"a file and a NAME": {
			args: []string{"render", "baseline", "-f", file}, wantCode: cliutil.ExitUsage,
			want: []string{"-f " + file + " cannot be combined with a template NAME or --builtin"},
		},
		"a file and --builtin": {
			args: []string{"render", "--builtin", "baseline", "-f", file}, wantCode: cliutil.ExitUsage,
			want: []string{"cannot be combined"},
		},
		"two documents": {
			stdin: plain + "---\n" + plain, args: []string{"render", "-f", "-"}, wantCode: cliutil.ExitUsage,
			want: []string{"standard input holds 2 YAML documents: give exactly one Template"},
		},
		"not a Template": {
			args: []string{"render", "-f", writeFile(t, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")}, wantCode: cliutil.ExitUsage,
			want: []string{`cm.yaml: apiVersion "v1", kind "ConfigMap": want landfall.dev/v1alpha1 Template`},
		},
		"a Template without a name": {
			stdin: strings.Replace(plain, "  name: team-config\n", "", 1), args: []string{"render", "-f", "-"}, wantCode: cliutil.ExitUsage,
			want: []string{"standard input: metadata.name is empty"},
		},
		"a missing file": {
			args: []string{"render", "-f", "/nonexistent/t.yaml"}, wantCode: cliutil.ExitUsage,
			want: []string{"/nonexistent/t.yaml"},
		},
		"an account label without an account": {
			args: []string{"render", "-f", writeFile(t, "team.yaml", teamTemplate)}, wantCode: cliutil.ExitUsage,
			want: []string{"ACCOUNT_LABEL_TEAM"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, _, err := run(t, tc.stdin, tc.args...)
			if code := cliutil.ExitCode(err); code != tc.wantCode {
				t.Fatalf("exit code %d (%v), want %d\n%s", code, err, tc.wantCode, out)
			}
			text := out
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

// TestRender_AccountThatCannotBeReadIsNoted: --account with no cluster to
// read it from renders with the name only and says so, off stdout.
func TestRender_AccountThatCannotBeReadIsNoted(t *testing.T) {
	t.Parallel()
	out, errOut, err := run(t, "", "render", "--builtin", "baseline", "--account", "acme", "--kubeconfig", "/nonexistent/kubeconfig")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "landfall.dev/account: acme") {
		t.Errorf("the account name is not rendered:\n%s", out)
	}
	if !strings.HasPrefix(errOut, "note: account acme not read (") || !strings.HasSuffix(errOut, "): rendered without its labels and parameters\n") {
		t.Errorf("stderr %q does not say the account was not read", errOut)
	}
	if strings.Contains(out, "note:") {
		t.Errorf("the note went to stdout:\n%s", out)
	}
	// Without --account nothing is read, and nothing is noted.
	_, errOut, err = run(t, "", "render", "--builtin", "baseline", "--kubeconfig", "/nonexistent/kubeconfig")
	if err != nil || errOut != "" {
		t.Errorf("err %v, stderr %q: want neither", err, errOut)
	}
}

func TestRender_CompletesBuiltinNames(t *testing.T) {
	t.Parallel()
	got := clitest.Complete(t, Command(), "render", "--builtin", "")
	if len(got) != 1 || got[0] != tenancy.BaselineTemplateName {
		t.Fatalf("render --builtin completes %v, want [%s]", got, tenancy.BaselineTemplateName)
	}
}
