package clitest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// Result is what a command did.
type Result struct {
	// Out and ErrOut are what it wrote to stdout and stderr.
	Out, ErrOut string
	// Err is the error it returned, Code the exit code it maps to.
	Err  error
	Code int
}

// Run executes cmd with args in the test's context, with the
// conventions the root gives every command (cliutil.Conventions).
func Run(t testing.TB, cmd *cobra.Command, args ...string) Result {
	t.Helper()
	var out, errOut bytes.Buffer
	cliutil.Conventions(cmd)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(t.Context())
	return Result{Out: out.String(), ErrOut: errOut.String(), Err: err, Code: cliutil.ExitCode(err)}
}

// Complete asks cmd for the shell completions of args, as a shell does
// (`cmd __complete args...`; the last arg is the word being typed), and
// returns the candidates. A failed request fails the test.
func Complete(t testing.TB, cmd *cobra.Command, args ...string) []string {
	t.Helper()
	got, _ := CompleteDirective(t, cmd, args...)
	return got
}

// CompleteDirective is Complete with the directive the command gave the
// shell (whether it may fall back to file names, for one).
func CompleteDirective(t testing.TB, cmd *cobra.Command, args ...string) ([]string, cobra.ShellCompDirective) {
	t.Helper()
	r := Run(t, cmd, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if r.Err != nil {
		t.Fatalf("completing %v: %v\n%s%s", args, r.Err, r.Out, r.ErrOut)
	}
	var got []string
	directive := cobra.ShellCompDirective(-1)
	for _, line := range strings.Split(r.Out, "\n") {
		// The last line is ":" and the directive.
		if d, ok := strings.CutPrefix(line, ":"); ok {
			n, err := strconv.Atoi(d)
			if err != nil {
				t.Fatalf("completing %v: directive line %q", args, line)
			}
			directive = cobra.ShellCompDirective(n)
		} else if line != "" {
			got = append(got, line)
		}
	}
	if directive < 0 {
		t.Fatalf("completing %v: no directive in %q", args, r.Out)
	}
	return got, directive
}

// OfflineKubeconfig writes a kubeconfig whose one context points at
// nothing that answers, for tests of how flags turn into a client
// configuration, and returns its path.
func OfflineKubeconfig(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: not-a-real-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatalf("writing kubeconfig: %v", err)
	}
	return path
}
