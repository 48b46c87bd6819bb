package env

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/delivery"
)

func statusCommand() *cobra.Command {
	var t target
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "status ENV",
		Short: "Show an environment: source, target, revisions, gate verdict, health, drift, last sync",
		Example: `  landfall env status prod -n shop
  landfall env status prod -n shop -o yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, env, err := t.get(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if output.String() != cliutil.OutputText {
				return cliutil.PrintStructured(cmd.OutOrStdout(), output.String(), env)
			}
			return printStatus(cmd.Context(), cmd.OutOrStdout(), env)
		},
	}
	output.Bind(cmd)
	t.bindEnvArg(cmd)
	return cmd
}

// printStatus writes the human-readable status of an environment.
func printStatus(_ context.Context, out io.Writer, env *landfallv1alpha1.Environment) error {
	var b strings.Builder
	field := func(name, format string, args ...any) {
		fmt.Fprintf(&b, "  %-12s %s\n", name+":", fmt.Sprintf(format, args...))
	}
	s, st := env.Spec, env.Status
	fmt.Fprintf(&b, "Environment %s/%s\n", env.Namespace, env.Name)
	src := delivery.Source{URL: s.Source.URL, Branch: s.Source.Ref.GetBranch(), Tag: s.Source.Ref.Tag, Commit: s.Source.Ref.Commit, Path: s.Source.Path}
	field("Source", "%s", src.String())
	tgt := "this cluster"
	if s.Target.ClusterRef != nil {
		tgt = "cluster " + s.Target.ClusterRef.Name
	}
	if s.ServiceAccountName != "" {
		tgt += ", as serviceaccount " + env.Namespace + "/" + s.ServiceAccountName
	}
	if len(s.Target.Namespaces) > 0 {
		tgt += ", namespaces " + strings.Join(s.Target.Namespaces, ", ")
	}
	field("Target", "%s", tgt)
	field("Policy", "interval %s, prune %t, selfHeal %t, suspend %t, gate %s", env.GetInterval(), env.GetPrune(), s.SelfHeal, s.Suspend, gateSpec(&s.Gate))
	field("Revision", "applied %s, fetched %s, attempted %s", short(st.LastAppliedRevision), short(st.LastFetchedRevision), short(st.LastAttemptedRevision))
	r := ready(env)
	field("Ready", "%s (%s) %s", r.Status, r.Reason, r.Message)
	if st.Health != nil {
		h := st.Health.Status
		if st.Health.Message != "" {
			h += ": " + st.Health.Message
		}
		field("Health", "%s", h)
	}
	n := 0
	if st.Inventory != nil {
		n = len(st.Inventory.Entries)
	}
	field("Inventory", "%d object(s)", n)
	if g := st.Gate; g != nil {
		verdict := "passed"
		if g.Blocked {
			verdict = "BLOCKED"
		}
		var tactics []string
		for _, tc := range g.Tactics {
			tactics = append(tactics, fmt.Sprintf("%s %d", tc.Tactic, tc.Count))
		}
		line := fmt.Sprintf("%s revision %s (blocks at %s): %d finding(s), %d excepted", verdict, short(g.Revision), g.MinSeverity, g.Findings, g.Excepted)
		if len(tactics) > 0 {
			line += "; by tactic: " + strings.Join(tactics, ", ")
		}
		field("Gate", "%s", line)
		for _, f := range g.Blocking {
			loc := f.Object
			if f.Source != "" {
				loc += " (" + f.Source + ")"
			}
			fmt.Fprintf(&b, "    %s [%s] %s: %s\n", f.Check, f.Severity, loc, f.Message)
		}
	}
	if d := st.Drift; d != nil && d.Count > 0 {
		state := "not corrected: selfHeal is off"
		if d.Corrected {
			state = "corrected"
		}
		field("Drift", "%d object(s) at %s, %s: %s", d.Count, short(d.Revision), state, strings.Join(d.Objects, ", "))
	}
	if rb := st.Rollback; rb != nil {
		field("Rollback", "held at %s until a new commit (source at %s)", short(rb.Revision), short(rb.SourceRevision))
	}
	if len(st.History) > 0 {
		h := st.History[0]
		field("Last sync", "%s %s %s: %s", h.Time.UTC().Format("2006-01-02 15:04:05"), short(h.Revision), h.Result, h.Message)
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// gateSpec summarises the gate's configuration.
func gateSpec(g *landfallv1alpha1.GateSpec) string {
	if g.Disabled {
		return "off"
	}
	s := "blocks at " + g.GetMinSeverity()
	if n := len(g.Exceptions.Inline); n > 0 {
		s += fmt.Sprintf(", %d inline exception(s)", n)
	}
	if ref := g.Exceptions.ConfigMapRef; ref != nil {
		s += ", exceptions in configmap " + ref.Name
	}
	return s
}
