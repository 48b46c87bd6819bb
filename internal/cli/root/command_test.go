package root

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
	"github.com/landfall-dev/landfall/internal/version"
)

func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

func TestEveryCommandHasAnExample(t *testing.T) {
	t.Parallel()
	root := Command()
	root.InitDefaultCompletionCmd()
	walk(root, func(c *cobra.Command) {
		// cobra generates completion and help; they document themselves.
		if c.Name() == "help" || strings.HasPrefix(c.CommandPath(), "landfall completion") || c.Hidden {
			return
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no example in its help", c.CommandPath())
		}
		if c.Short == "" {
			t.Errorf("%q has no short description", c.CommandPath())
		}
	})
}

func run(args ...string) (stdout string, err error) {
	cmd := Command()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), err
}

func TestVersionReportsLandfallAndKubernetes(t *testing.T) {
	t.Parallel()
	out, err := run("version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Landfall:") || !strings.Contains(out, "Kubernetes: "+version.KubernetesVersion) {
		t.Fatalf("unexpected version output:\n%s", out)
	}
	out, err = run("version", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var info version.Info
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatalf("version -o json is not JSON: %v\n%s", err, out)
	}
	if info.Kubernetes != version.KubernetesVersion {
		t.Fatalf("kubernetes = %q", info.Kubernetes)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"unknown flag":          {"version", "--no-such-flag"},
		"unknown output format": {"version", "-o", "xml"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := run(args...)
			if got := cliutil.ExitCode(err); got != cliutil.ExitUsage {
				t.Fatalf("exit code %d (%v), want %d", got, err, cliutil.ExitUsage)
			}
		})
	}
}

// runnableGroups are the commands that run themselves and have
// sub-commands too: their arguments are their own (files, an app).
var runnableGroups = map[string]bool{"detect": true, "manager": true, "promote": true}

// TestEveryGroupRejectsAnUnknownSubcommand: a typo in a sub-command must
// not print help and exit 0, or a script carries on as if it had run.
func TestEveryGroupRejectsAnUnknownSubcommand(t *testing.T) {
	t.Parallel()
	groups := 0
	walk(Command(), func(c *cobra.Command) {
		if !c.HasSubCommands() || !c.HasParent() {
			return
		}
		if runnableGroups[c.Name()] {
			return
		}
		path := strings.Fields(c.CommandPath())[1:]
		first := c.Commands()[0].Name()
		typo := first[:len(first)-1] + "x" + first[len(first)-1:]
		groups++
		out, err := run(append(path, typo)...)
		if got := cliutil.ExitCode(err); got != cliutil.ExitUsage {
			t.Errorf("%s %s: exit code %d (%v), want %d", c.CommandPath(), typo, got, err, cliutil.ExitUsage)
			return
		}
		for _, want := range []string{`unknown command "` + typo + `" for "` + c.CommandPath() + `"`, "Did you mean this?\n\t" + first, "See '" + c.CommandPath() + " --help'."} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s %s: error %q lacks %q", c.CommandPath(), typo, err, want)
			}
		}
		if out != "" {
			t.Errorf("%s %s printed %q besides the error", c.CommandPath(), typo, out)
		}
		// Without arguments a group still shows its help.
		out, err = run(path...)
		if err != nil || !strings.Contains(out, "Available Commands:") {
			t.Errorf("%s: err %v, output %q, want its help", c.CommandPath(), err, out)
		}
	})
	if groups < 6 {
		t.Fatalf("checked %d command groups, want the 6 or more the CLI has", groups)
	}
}

// TestEveryArgumentCountErrorIsAUsageError: every command that refuses
// its arguments refuses them as kubectl does, with exit 2 and the help
// hint.
func TestEveryArgumentCountErrorIsAUsageError(t *testing.T) {
	t.Parallel()
	refusing := 0
	walk(Command(), func(c *cobra.Command) {
		if c.Args == nil || (c.HasSubCommands() && !runnableGroups[c.Name()]) {
			return
		}
		err := c.Args(c, make([]string, 20))
		if err == nil {
			return // takes any number (files, paths)
		}
		refusing++
		if got := cliutil.ExitCode(err); got != cliutil.ExitUsage {
			t.Errorf("%s with 20 arguments: exit code %d (%v), want %d", c.CommandPath(), got, err, cliutil.ExitUsage)
		}
		if !strings.HasSuffix(err.Error(), "See '"+c.CommandPath()+" --help'.") {
			t.Errorf("%s with 20 arguments: %q does not end with the help hint", c.CommandPath(), err)
		}
	})
	if refusing < 30 {
		t.Fatalf("checked %d commands, want the 30 or more that take a fixed number of arguments", refusing)
	}
	// Through Execute, as a user meets it.
	_, err := run("space", "create", "--account", "a")
	if got := cliutil.ExitCode(err); got != cliutil.ExitUsage || !strings.Contains(err.Error(), "accepts 1 arg(s), received 0") {
		t.Fatalf("space create without a name: exit %d, %v", got, err)
	}
}

// TestEveryFlagErrorHasTheHint: a bad flag on any command is a usage
// error that points at the command's help, whatever flag error function
// the command set for itself.
func TestEveryFlagErrorHasTheHint(t *testing.T) {
	t.Parallel()
	walk(Command(), func(c *cobra.Command) {
		if c.Name() == "help" {
			return
		}
		path := strings.Fields(c.CommandPath())[1:]
		_, err := run(append(path, "--no-such-flag")...)
		if got := cliutil.ExitCode(err); got != cliutil.ExitUsage {
			t.Errorf("%s --no-such-flag: exit code %d (%v), want %d", c.CommandPath(), got, err, cliutil.ExitUsage)
			return
		}
		if !strings.Contains(err.Error(), "unknown flag: --no-such-flag\nSee '"+c.CommandPath()+" --help'.") {
			t.Errorf("%s --no-such-flag: %q lacks the help hint", c.CommandPath(), err)
		}
	})
}

// TestTenancyCommandsDoNotCompleteFiles: commands whose arguments are
// names of new objects, or that take none, must not offer the shell's
// file names.
func TestTenancyCommandsDoNotCompleteFiles(t *testing.T) {
	t.Parallel()
	for _, path := range [][]string{
		{"spaces"}, {"space", "list"}, {"space", "create"}, {"account", "list"}, {"account", "create"}, {"template", "list"},
	} {
		got, directive := clitest.CompleteDirective(t, Command(), append(path, "")...)
		if directive&cobra.ShellCompDirectiveNoFileComp == 0 {
			t.Errorf("landfall %s <TAB>: directive %d (%v) lets the shell complete file names", strings.Join(path, " "), directive, got)
		}
	}
}
