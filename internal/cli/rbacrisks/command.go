package rbacrisks

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/rbac"
)

// outputTable is the default, human-readable format.
const outputTable = "table"

// options are the flags of the command.
type options struct {
	kube            cliutil.KubeFlags
	output          *cliutil.OutputFlag
	includeDefaults bool
	minSeverity     string
}

// Command returns `landfall rbac-risks`.
func Command() *cobra.Command {
	o := &options{output: cliutil.NewOutputFlag(outputTable, outputTable, cliutil.OutputJSON, cliutil.OutputYAML), minSeverity: "low"}
	cmd := &cobra.Command{
		Use:   "rbac-risks",
		Short: "Risky permissions per subject, and attack paths from exposed workloads",
		Long: `Report, for every user, group and service account of the cluster's
bindings, the permissions behind the Threat Matrix's RBAC techniques: full
control, bind/escalate/impersonate, exec and attach, reading secrets,
workloads in kube-system, admission webhook configurations, deleting events,
the coredns ConfigMap, nodes/proxy and deleting at scale. Permissions are
evaluated as the API server's authorizer does (wildcards, resourceNames,
aggregation, namespaces); a permission held only through RoleBindings is
reported one severity lower, except in kube-system.

Attack paths: a workload behind a LoadBalancer or NodePort Service, a Service
with externalIPs, or an Ingress, whose pods mount a token of a service
account that is cluster-admin, may read secrets or may create pods, is
reported hop by hop.

The API server's own default bindings to control-plane identities are left
out unless --include-defaults; grants to system:authenticated,
system:unauthenticated, system:serviceaccounts and system:anonymous always
count. Reading RBAC needs list on the four RBAC kinds; workloads the
identity may not list are named, and the attack paths are then incomplete.`,
		Example: `  landfall rbac-risks
  landfall rbac-risks --min-severity high -o json
  landfall rbac-risks --include-defaults`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 0 {
				return cliutil.UsageError(fmt.Errorf("rbac-risks takes no arguments, got %d", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout())
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	fs := cmd.Flags()
	fs.BoolVar(&o.includeDefaults, "include-defaults", false, "also report the API server's default bindings to control-plane identities")
	fs.StringVar(&o.minSeverity, "min-severity", o.minSeverity, "report risks and paths of this `severity` or higher: low|medium|high|critical")
	o.output.Bind(cmd)
	o.kube.Bind(fs)
	return cmd
}

// Result is what rbac-risks prints as JSON or YAML.
type Result struct {
	// Risks are the risky permissions, worst first.
	Risks []rbac.Risk `json:"risks"`
	// AttackPaths are the paths from exposed workloads, worst first.
	AttackPaths []rbac.AttackPath `json:"attackPaths"`
	// NotAssessed are the kinds that could not be read; attack paths
	// through them are missing.
	NotAssessed []rbac.KindError `json:"notAssessed"`
}

func (o *options) run(ctx context.Context, out io.Writer) error {
	minSev, err := posture.ParseSeverity(o.minSeverity)
	if err != nil {
		return cliutil.UsageError(fmt.Errorf("--min-severity: %w", err))
	}
	cfg, err := o.kube.Config()
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("creating client: %w", err)
	}
	snap, err := rbac.Load(ctx, cs, rbac.LoadOptions{Workloads: true})
	if apierrors.IsForbidden(err) {
		return fmt.Errorf("%w\n(rbac-risks needs list on roles, clusterroles, rolebindings and clusterrolebindings cluster-wide)", err)
	}
	if err != nil {
		return err
	}
	res := Result{
		Risks:       slices.DeleteFunc(snap.Risks(rbac.RiskOptions{IncludeDefaults: o.includeDefaults}), func(r rbac.Risk) bool { return r.Severity < minSev }),
		AttackPaths: slices.DeleteFunc(snap.AttackPaths(), func(p rbac.AttackPath) bool { return p.Severity < minSev }),
		NotAssessed: snap.NotRead(),
	}
	if res.Risks == nil {
		res.Risks = []rbac.Risk{}
	}
	if res.AttackPaths == nil {
		res.AttackPaths = []rbac.AttackPath{}
	}
	if res.NotAssessed == nil {
		res.NotAssessed = []rbac.KindError{}
	}
	if o.output.String() != outputTable {
		return cliutil.PrintStructured(out, o.output.String(), res)
	}
	return Print(out, res)
}

// Print writes the risks as a table and the attack paths hop by hop.
func Print(out io.Writer, res Result) error {
	if len(res.Risks) == 0 {
		fmt.Fprintln(out, "No risky permissions.")
	} else {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tCHECK\tSUBJECT\tPERMISSIONS\tVIA")
		for _, r := range res.Risks {
			via := r.Grants[0].Binding.String() + " -> " + r.Grants[0].Role.String()
			if n := len(r.Grants) - 1; n > 0 {
				via += fmt.Sprintf(" (+%d more)", n)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Severity, r.Check, rbac.SubjectString(r.Subject), strings.Join(r.Permissions, "; "), via)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)
	if len(res.AttackPaths) == 0 {
		fmt.Fprintln(out, "No attack paths from exposed workloads.")
	} else {
		fmt.Fprintf(out, "Attack paths from exposed workloads (%d):\n", len(res.AttackPaths))
		for _, p := range res.AttackPaths {
			fmt.Fprintf(out, "\n%s  %s (%s)  %s\n", p.Severity, p.Capability, p.Scope, strings.Join(p.Techniques, ", "))
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			for i, h := range p.Hops {
				arrow := "   "
				if i > 0 {
					arrow = "-> "
				}
				tag := strings.TrimSpace(h.Tactic + " " + h.Technique)
				fmt.Fprintf(tw, "  %s%s\t%s\n", arrow, h, tag)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	if len(res.NotAssessed) > 0 {
		var kinds []string
		for _, k := range res.NotAssessed {
			kinds = append(kinds, k.Kind+" ("+k.Reason+")")
		}
		fmt.Fprintf(out, "\nNot assessed: %s; attack paths through them are missing.\n", strings.Join(kinds, ", "))
	}
	return nil
}
