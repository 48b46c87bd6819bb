package cani

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/whocan"
	"github.com/landfall-dev/landfall/internal/rbac"
)

// outputTable is the default, human-readable format.
const outputTable = "table"

// options are the flags of the command.
type options struct {
	kube      cliutil.KubeFlags
	output    *cliutil.OutputFlag
	as        string
	asGroups  []string
	list      bool
	namespace cliutil.NamespaceFlag
	name      string
}

// Command returns `landfall can-i`.
func Command() *cobra.Command {
	o := &options{output: cliutil.NewOutputFlag(outputTable, outputTable, cliutil.OutputJSON, cliutil.OutputYAML)}
	cmd := &cobra.Command{
		Use:   "can-i --as SUBJECT (--list | VERB RESOURCE[/SUBRESOURCE] | VERB /URL)",
		Short: "What a user, group or service account may do, and through which binding and role",
		Long: `Evaluate a subject's permissions from the cluster's Roles, ClusterRoles,
RoleBindings and ClusterRoleBindings, as the API server's RBAC authorizer
would, and say through which binding and role each comes.

SUBJECT is user:NAME (or a bare NAME), group:NAME, serviceaccount:NS:NAME or
system:serviceaccount:NS:NAME. A user gets the group system:authenticated
(system:anonymous gets system:unauthenticated), a service account also
system:serviceaccounts and system:serviceaccounts:NS, as authenticators
give them; --as-group adds more. group:NAME asks what the group itself is
granted.

With --list, every rule that applies in the namespace (the current one
unless -n says otherwise) is listed; with VERB and RESOURCE, the answer is
yes (exit 0) or no (exit 1). Unlike kubectl auth can-i --as, this needs no
impersonation right, only list on the four RBAC kinds.`,
		Example: `  # Everything a service account may do in its namespace
  landfall can-i --as serviceaccount:team-a:deployer --list -n team-a

  # Whether a user may exec into pods, and why
  landfall can-i --as alice create pods/exec -n team-a

  # A user with extra groups, as kubectl --as-group
  landfall can-i --as bob --as-group devs get secrets -n team-b

  # What anonymous requests may reach
  landfall can-i --as system:anonymous get /healthz`,
		Args: func(_ *cobra.Command, args []string) error {
			if o.list && len(args) != 0 {
				return cliutil.UsageError(errors.New("--list takes no arguments"))
			}
			if !o.list && len(args) != 2 {
				return cliutil.UsageError(fmt.Errorf("want --list, or VERB and RESOURCE (or /URL); got %d arguments", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout(), args)
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	fs := cmd.Flags()
	fs.StringVar(&o.as, "as", "", "the `SUBJECT`: user:NAME, group:NAME, serviceaccount:NS:NAME or system:serviceaccount:NS:NAME")
	fs.StringArrayVar(&o.asGroups, "as-group", nil, "a `GROUP` the subject is in; repeat for more")
	fs.BoolVar(&o.list, "list", false, "list every rule that applies to the subject in the namespace")
	o.namespace.Bind(fs)
	fs.StringVar(&o.name, "name", "", "name of the object (rules with resourceNames match only named requests)")
	o.output.Bind(cmd)
	o.kube.BindKubeconfig(fs)
	return cmd
}

// ListResult is what --list prints as JSON or YAML.
type ListResult struct {
	// Subject is the subject asked about.
	Subject rbacv1.Subject `json:"subject"`
	// User is the identity evaluated: the subject's user name and groups.
	User rbac.User `json:"user"`
	// Namespace is where the rules were listed.
	Namespace string `json:"namespace"`
	// Rules are the rules that apply, each with its binding and role.
	Rules []rbac.Grant `json:"rules"`
}

// CheckResult is what a check prints as JSON or YAML.
type CheckResult struct {
	// Subject is the subject asked about.
	Subject rbacv1.Subject `json:"subject"`
	// User is the identity evaluated.
	User rbac.User `json:"user"`
	// Request is the request asked about.
	Request rbac.Attributes `json:"request"`
	// Allowed is the answer.
	Allowed bool `json:"allowed"`
	// Grants are the routes that allow it.
	Grants []rbac.Grant `json:"grants"`
}

func (o *options) run(ctx context.Context, out io.Writer, args []string) error {
	if o.as == "" {
		return cliutil.UsageError(errors.New("--as is required: user:NAME, group:NAME or serviceaccount:NS:NAME"))
	}
	subject, err := rbac.ParseSubject(o.as)
	if err != nil {
		return cliutil.UsageError(fmt.Errorf("--as: %w", err))
	}
	user := rbac.UserFor(subject, o.asGroups...)
	cfg, err := o.kube.Config()
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("creating client: %w", err)
	}
	ns, err := o.namespace.Resolve(&o.kube)
	if err != nil {
		return err
	}
	var req rbac.Request
	if !o.list {
		if req, err = rbac.NewResolver(cs.Discovery()).Request(args[0], args[1], o.name, ns); err != nil {
			var re *rbac.RequestError
			if errors.As(err, &re) {
				return cliutil.UsageError(err)
			}
			return err
		}
	}
	snap, err := whocan.Load(ctx, cs)
	if err != nil {
		return err
	}
	if o.list {
		res := ListResult{Subject: subject, User: user, Namespace: ns, Rules: snap.List(user, ns)}
		if res.Rules == nil {
			res.Rules = []rbac.Grant{}
		}
		if o.output.String() != outputTable {
			return cliutil.PrintStructured(out, o.output.String(), res)
		}
		return PrintList(out, res)
	}
	res := CheckResult{Subject: subject, User: user, Request: req.Attributes}
	res.Allowed, res.Grants = snap.Allowed(user, req.Attributes)
	if res.Grants == nil {
		res.Grants = []rbac.Grant{}
	}
	if o.output.String() != outputTable {
		err = cliutil.PrintStructured(out, o.output.String(), res)
	} else {
		err = PrintCheck(out, res)
	}
	if err == nil && !res.Allowed {
		return cliutil.Silent(cliutil.ExitFailure)
	}
	return err
}

// PrintCheck writes "yes" and the grants, or "no".
func PrintCheck(out io.Writer, res CheckResult) error {
	if !res.Allowed {
		_, err := fmt.Fprintln(out, "no")
		return err
	}
	fmt.Fprintln(out, "yes")
	for _, g := range res.Grants {
		fmt.Fprintf(out, "  via %s -> %s (%s, subject %s, rule %s)\n", g.Binding, g.Role, g.Scope(), rbac.SubjectString(g.Subject), rbac.RuleString(g.Rule))
	}
	return nil
}

// listRow is one line of --list: one resource (or URL) of one rule.
type listRow struct {
	resource, url, names, verbs, via string
}

// PrintList writes the rules as kubectl auth can-i --list does, one line
// per resource or URL of each rule, with the binding and role it comes
// from.
func PrintList(out io.Writer, res ListResult) error {
	if len(res.Rules) == 0 {
		_, err := fmt.Fprintf(out, "No rule applies to %s in namespace %s.\n", rbac.SubjectString(res.Subject), res.Namespace)
		return err
	}
	var rows []listRow
	for _, g := range res.Rules {
		r := g.Rule
		via := g.Binding.String() + " -> " + g.Role.String()
		verbs, names := bracket(r.Verbs), bracket(r.ResourceNames)
		for _, u := range r.NonResourceURLs {
			rows = append(rows, listRow{url: u, names: names, verbs: verbs, via: via})
		}
		for _, group := range r.APIGroups {
			for _, resource := range r.Resources {
				if group != "" {
					resource += "." + group
				}
				rows = append(rows, listRow{resource: resource, names: names, verbs: verbs, via: via})
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b listRow) int {
		if c := strings.Compare(a.resource, b.resource); c != 0 {
			return c
		}
		return strings.Compare(a.url, b.url)
	})
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESOURCES\tNON-RESOURCE URLS\tRESOURCE NAMES\tVERBS\tVIA")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.resource, bracket(nonEmpty(r.url)), r.names, r.verbs, r.via)
	}
	return tw.Flush()
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// bracket renders a list as kubectl does: [a b].
func bracket(list []string) string { return "[" + strings.Join(list, " ") + "]" }
