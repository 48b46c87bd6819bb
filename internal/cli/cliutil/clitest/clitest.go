package clitest

import (
	"bytes"
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

// Run executes cmd with args in the test's context.
func Run(t testing.TB, cmd *cobra.Command, args ...string) Result {
	t.Helper()
	var out, errOut bytes.Buffer
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
	r := Run(t, cmd, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if r.Err != nil {
		t.Fatalf("completing %v: %v\n%s%s", args, r.Err, r.Out, r.ErrOut)
	}
	var got []string
	for _, line := range strings.Split(r.Out, "\n") {
		// The last line is ":" and the directive.
		if line != "" && !strings.HasPrefix(line, ":") {
			got = append(got, line)
		}
	}
	return got
}
