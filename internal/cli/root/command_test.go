package root

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
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
