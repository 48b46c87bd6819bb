package scan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// result is the outcome of one in-process run of the command.
type result struct {
	out  string
	err  error
	code int
}

// runScan runs `landfall scan args...` in-process with the test checks.
func runScan(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := newCommand(testDeps())
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(t.Context())
	return result{out: out.String(), err: err, code: cliutil.ExitCode(err)}
}

func TestScanExitCodes(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		"clean directory exits 0":                        {args: []string{"testdata/clean"}, wantCode: 0},
		"findings without --fail-on exit 0":              {args: []string{"testdata/findings"}, wantCode: 0},
		"findings at --fail-on exit 1":                   {args: []string{"--fail-on", "high", "testdata/findings"}, wantCode: 1, wantErr: "2 findings at or above high"},
		"findings at or above a lower level exit 1":      {args: []string{"--fail-on", "low", "testdata/findings"}, wantCode: 1, wantErr: "3 findings at or above low"},
		"findings below --fail-on exit 0":                {args: []string{"--fail-on", "critical", "testdata/findings/rbac.yaml"}, wantCode: 0},
		"suppressed findings do not fail":                {args: []string{"--fail-on", "critical", "testdata/findings/agent.yaml"}, wantCode: 0},
		"distrusted annotations fail":                    {args: []string{"--fail-on", "critical", "--no-annotation-exceptions", "testdata/findings/agent.yaml"}, wantCode: 1},
		"config exceptions suppress":                     {args: []string{"--fail-on", "low", "--config", "testdata/config/landfall.yaml", "testdata/findings"}, wantCode: 1, wantErr: "2 findings at or above low"},
		"no objects exits 2":                             {args: []string{"testdata/empty"}, wantCode: 2, wantErr: "no Kubernetes objects found in testdata/empty (use --allow-empty"},
		"no objects with --allow-empty exits 0":          {args: []string{"--allow-empty", "testdata/empty"}, wantCode: 0},
		"broken YAML exits 2":                            {args: []string{"testdata/broken"}, wantCode: 2, wantErr: "broken.yaml:12"},
		"broken YAML wins over findings":                 {args: []string{"--fail-on", "low", "testdata/broken"}, wantCode: 2},
		"unknown severity is a usage error":              {args: []string{"--fail-on", "severe", "testdata/clean"}, wantCode: 2, wantErr: `--fail-on: unknown severity "severe"`},
		"unknown format is a usage error":                {args: []string{"-o", "pdf", "testdata/clean"}, wantCode: 2},
		"missing path is a usage error":                  {args: []string{"testdata/nope"}, wantCode: 2, wantErr: "testdata/nope"},
		"--cluster with a PATH is a usage error":         {args: []string{"--cluster", "testdata/clean"}, wantCode: 2, wantErr: "--cluster scans the live cluster and takes no PATH arguments"},
		"--namespace without --cluster is a usage error": {args: []string{"-n", "shop", "testdata/clean"}, wantCode: 2, wantErr: "--namespace needs --cluster"},
		"--as without --cluster is a usage error":        {args: []string{"--as", "alice", "testdata/clean"}, wantCode: 2, wantErr: "--as needs --cluster"},
		"-n and -A together are a usage error":           {args: []string{"--cluster", "-n", "shop", "-A"}, wantCode: 2, wantErr: "mutually exclusive"},
		"a bad selector is a usage error":                {args: []string{"--cluster", "-l", "a in (b"}, wantCode: 2, wantErr: "--selector"},
		"unknown check in --checks is a usage error":     {args: []string{"--checks", "privileged-containr", "testdata/clean"}, wantCode: 2, wantErr: `--checks: "privileged-containr" matches no check`},
		"excluding every check is a usage error":         {args: []string{"--exclude-checks", "*", "testdata/clean"}, wantCode: 2, wantErr: "no check left to run"},
		"--checks narrows the scan":                      {args: []string{"--fail-on", "low", "--checks", "latest-*", "testdata/findings/agent.yaml"}, wantCode: 0},
		"bad config names file and field":                {args: []string{"--config", "testdata/config/bad.yaml", "testdata/clean"}, wantCode: 2, wantErr: "testdata/config/bad.yaml: exceptions[1].reason: required"},
		"missing config is a usage error":                {args: []string{"--config", "testdata/config/none.yaml", "testdata/clean"}, wantCode: 2, wantErr: "reading exceptions config"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := runScan(t, "", tc.args...)
			if res.code != tc.wantCode {
				t.Errorf("exit code = %d, want %d (error: %v)\n%s", res.code, tc.wantCode, res.err, res.out)
			}
			if tc.wantErr != "" && (res.err == nil || !strings.Contains(res.err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want it to contain %q", res.err, tc.wantErr)
			}
		})
	}
}

func TestScanBrokenYAMLScansTheRest(t *testing.T) {
	t.Parallel()
	res := runScan(t, "", "-o", "json", "testdata/broken")
	if res.code != cliutil.ExitUsage {
		t.Fatalf("exit code = %d, want 2", res.code)
	}
	for _, want := range []string{
		`"file": "broken.yaml"`, `"line": 12`, // the broken document, by file and line
		`"file": "logo.yaml"`, "binary file", // a binary file is reported
		`"check": "latest-tag"`, `"file": "good.yaml"`, // the good file is still scanned
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("JSON report lacks %s:\n%s", want, res.out)
		}
	}
	if !strings.Contains(res.err.Error(), "logo.yaml: binary file") {
		t.Errorf("error = %v, want the binary file named", res.err)
	}
}

func TestScanStdin(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/broken/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res := runScan(t, string(data), "--fail-on", "low", "-")
	if res.code != 1 || !strings.Contains(res.out, "<stdin>:1") {
		t.Errorf("exit code %d, output:\n%s", res.code, res.out)
	}
}

func TestScanOutFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "report.sarif")
	res := runScan(t, "", "-o", "sarif", "--out", file, "testdata/findings")
	if res.code != 0 || res.out != "" {
		t.Fatalf("exit code %d, stdout %q", res.code, res.out)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"version": "2.1.0"`)) {
		t.Errorf("report file is not SARIF:\n%s", data)
	}
}
