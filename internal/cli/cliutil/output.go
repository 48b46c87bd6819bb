package cliutil

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"
)

// Output formats shared by commands that print structured data.
const (
	// OutputText is the human-readable default.
	OutputText = "text"
	// OutputJSON is indented JSON.
	OutputJSON = "json"
	// OutputYAML is YAML.
	OutputYAML = "yaml"
)

// OutputFlag is an -o/--output flag restricted to a fixed set of formats.
type OutputFlag struct {
	value   string
	allowed []string
}

// NewOutputFlag returns an output flag with the given default and allowed
// formats.
func NewOutputFlag(def string, allowed ...string) *OutputFlag {
	return &OutputFlag{value: def, allowed: allowed}
}

// String implements pflag.Value.
func (o *OutputFlag) String() string { return o.value }

// Type implements pflag.Value.
func (o *OutputFlag) Type() string { return "format" }

// Set implements pflag.Value and rejects unknown formats.
func (o *OutputFlag) Set(v string) error {
	for _, a := range o.allowed {
		if v == a {
			o.value = v
			return nil
		}
	}
	return fmt.Errorf("unknown output format %q (one of %s)", v, strings.Join(o.allowed, ", "))
}

// Bind registers the flag as -o/--output on cmd with shell completion of
// the allowed formats.
func (o *OutputFlag) Bind(cmd *cobra.Command) {
	cmd.Flags().VarP(o, "output", "o", "output format: "+strings.Join(o.allowed, "|"))
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return o.allowed, cobra.ShellCompDirectiveNoFileComp
	})
}

// PrintStructured writes v as JSON or YAML according to format.
func PrintStructured(w io.Writer, format string, v any) error {
	switch format {
	case OutputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("writing json: %w", err)
		}
		return nil
	case OutputYAML:
		data, err := yaml.Marshal(v)
		if err != nil {
			return fmt.Errorf("writing yaml: %w", err)
		}
		_, err = w.Write(data)
		return err
	default:
		return fmt.Errorf("format %q is not structured", format)
	}
}
