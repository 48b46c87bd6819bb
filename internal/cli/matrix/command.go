package matrix

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// options are the flags of `landfall matrix`.
type options struct {
	// output is -o/--output.
	output *cliutil.OutputFlag
	// width overrides the detected terminal width when positive.
	width int
	// tactics restricts the output to these tactics (IDs or names).
	tactics []string
	// coverage prints the coverage table instead of the grid.
	coverage bool
	// getenv reads the environment; a stub in tests.
	getenv func(string) string
}

// BindFlags registers the options on fs.
func (o *options) BindFlags(fs *pflag.FlagSet) {
	fs.IntVar(&o.width, "width", 0, fmt.Sprintf("maximum line width (default: $COLUMNS, the terminal width, or %d)", defaultWidth))
	fs.StringSliceVar(&o.tactics, "tactic", nil, "show only these tactics, by ID or name (repeatable, comma-separated)")
	fs.BoolVar(&o.coverage, "coverage", false, "show which techniques Landfall assesses today and which it could")
}

// Command returns the `landfall matrix` command. coverage returns the
// techniques Landfall assesses today per source; it is called only when
// needed and may be nil (nothing covered).
func Command(coverage func() threatmatrix.Coverage) *cobra.Command {
	return newCommand(coverage, os.Getenv)
}

// newCommand builds the command with getenv as its view of the
// environment, so tests do not depend on $COLUMNS.
func newCommand(coverage func() threatmatrix.Coverage, getenv func(string) string) *cobra.Command {
	o := &options{
		output: cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML),
		getenv: getenv,
	}
	cmd := &cobra.Command{
		Use:   "matrix",
		Short: "Show the Threat Matrix for Kubernetes and Landfall's coverage of it",
		Long: `Show the Threat Matrix for Kubernetes (Microsoft, CC BY 4.0): ten tactics
from Initial Access to Impact, with the techniques under each. A technique
under several tactics appears in each column; the retired MS-TA9032 is not
shown. Techniques Landfall assesses today are marked with *.

With --coverage, list every technique with the sources that can show it
(manifest, live cluster, audit log), whether Landfall assesses it from each
today, and which techniques need a runtime, node or cloud sensor.

Source: ` + threatmatrix.ProjectURL,
		Example: `  # The matrix as a grid, fitted to the terminal
  landfall matrix

  # Only two tactics, 100 columns wide
  landfall matrix --tactic initial-access --tactic "Privilege Escalation" --width 100

  # The catalog (tactics, techniques, mitigations) as JSON
  landfall matrix -o json

  # What Landfall assesses today, and what needs a sensor
  landfall matrix --coverage

  # The same as JSON, for dashboards
  landfall matrix --coverage -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd, coverage)
		},
	}
	o.BindFlags(cmd.Flags())
	o.output.Bind(cmd)
	_ = cmd.RegisterFlagCompletionFunc("tactic", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ids []string
		for _, t := range threatmatrix.Tactics() {
			ids = append(ids, t.ID)
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// run executes the command.
func (o *options) run(cmd *cobra.Command, coverage func() threatmatrix.Coverage) error {
	tactics, err := selectTactics(o.tactics)
	if err != nil {
		return cliutil.UsageError(err)
	}
	out := cmd.OutOrStdout()
	screen := detectTerminal(out, o.getenv)
	if cmd.Flags().Changed("width") {
		if o.width < minWidth {
			return cliutil.UsageError(fmt.Errorf("--width %d is too small (at least %d)", o.width, minWidth))
		}
		screen.width = o.width
	}
	var cov threatmatrix.Coverage
	if coverage != nil {
		cov = coverage()
	}
	format := o.output.String()

	if o.coverage {
		report := buildCoverage(techniquesOf(tactics), cov)
		if format != cliutil.OutputText {
			return cliutil.PrintStructured(out, format, report)
		}
		return renderCoverage(out, report, screen.width, screen.color)
	}
	if format != cliutil.OutputText {
		return cliutil.PrintStructured(out, format, buildCatalog(tactics, len(o.tactics) == 0))
	}
	return renderGrid(out, tactics, gridOptions{width: screen.width, color: screen.color, coverage: cov})
}

// selectTactics returns the tactics named by the --tactic values (IDs or
// names, case-insensitive) in matrix order, or all tactics when none are
// named.
func selectTactics(names []string) ([]threatmatrix.Tactic, error) {
	all := threatmatrix.Tactics()
	if len(names) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	var errs []error
	for _, n := range names {
		key := normalizeTactic(n)
		found := false
		for _, t := range all {
			if key == t.ID || key == normalizeTactic(t.Name) {
				want[t.ID], found = true, true
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("unknown tactic %q", n))
		}
	}
	if len(errs) > 0 {
		ids := make([]string, len(all))
		for i, t := range all {
			ids[i] = t.ID
		}
		errs = append(errs, fmt.Errorf("tactics are: %s", strings.Join(ids, ", ")))
		return nil, errors.Join(errs...)
	}
	return slices.DeleteFunc(all, func(t threatmatrix.Tactic) bool { return !want[t.ID] }), nil
}

// normalizeTactic turns "Privilege Escalation" or "privilege_escalation"
// into the slug form "privilege-escalation".
func normalizeTactic(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "-")
}

// techniquesOf returns the active techniques under the given tactics, each
// once, in ID order.
func techniquesOf(tactics []threatmatrix.Tactic) []threatmatrix.Technique {
	in := map[string]bool{}
	for _, t := range tactics {
		for _, id := range t.TechniqueIDs {
			in[id] = true
		}
	}
	return slices.DeleteFunc(threatmatrix.ActiveTechniques(), func(t threatmatrix.Technique) bool { return !in[t.ID] })
}

// catalogTactic is a tactic with its techniques, for -o json|yaml.
type catalogTactic struct {
	threatmatrix.Tactic
	Techniques []threatmatrix.Technique `json:"techniques"`
}

// catalogView is the structured output of `landfall matrix`.
type catalogView struct {
	Attribution string          `json:"attribution"`
	URL         string          `json:"url"`
	Tactics     []catalogTactic `json:"tactics"`
	// Retired are techniques no longer in the matrix, listed only when no
	// tactic filter is set.
	Retired     []threatmatrix.Technique  `json:"retiredTechniques,omitempty"`
	Mitigations []threatmatrix.Mitigation `json:"mitigations"`
}

// buildCatalog assembles the structured catalog for the given tactics.
func buildCatalog(tactics []threatmatrix.Tactic, withRetired bool) catalogView {
	v := catalogView{
		Attribution: threatmatrix.Attribution,
		URL:         threatmatrix.ProjectURL,
		Mitigations: threatmatrix.Mitigations(),
	}
	for _, t := range tactics {
		v.Tactics = append(v.Tactics, catalogTactic{Tactic: t, Techniques: threatmatrix.TechniquesByTactic(t.ID)})
	}
	if withRetired {
		for _, t := range threatmatrix.Techniques() {
			if t.Retired {
				v.Retired = append(v.Retired, t)
			}
		}
	}
	return v
}
