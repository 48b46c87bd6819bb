package account

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// Command returns `landfall account` with its sub-commands.
func Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account",
		Short: "Manage tenant accounts: who may create spaces, and what every space gets",
		Example: `  landfall account create team-a --group team-a --limit 5 --prefix team-a- --template baseline
  landfall account list
  landfall account describe team-a`,
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	cmd.AddCommand(createCommand(), listCommand(), describeCommand())
	return cmd
}

// createFlags are the flags of `account create`.
type createFlags struct {
	users, groups, serviceAccounts, templates, params []string
	limit                                             int32
	// limitSet is whether --limit was given: 0 then allows no space,
	// where no --limit means no limit.
	limitSet, noBaseline bool
	prefix, clusterRole  string
}

// build turns the flags into an Account.
func (f *createFlags) build(name string) (*landfallv1alpha1.Account, error) {
	a := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: name}}
	for _, u := range f.users {
		a.Spec.Subjects = append(a.Spec.Subjects, rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: u})
	}
	for _, g := range f.groups {
		a.Spec.Subjects = append(a.Spec.Subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: g})
	}
	for _, sa := range f.serviceAccounts {
		ns, n, ok := strings.Cut(sa, "/")
		if !ok || ns == "" || n == "" {
			return nil, cliutil.UsageError(fmt.Errorf("--service-account %q: want NAMESPACE/NAME", sa))
		}
		a.Spec.Subjects = append(a.Spec.Subjects, rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: n})
	}
	if len(a.Spec.Subjects) == 0 {
		return nil, cliutil.UsageError(fmt.Errorf("give at least one --user, --group or --service-account"))
	}
	if f.limit < 0 {
		return nil, cliutil.UsageError(fmt.Errorf("--limit %d: want 0 (no spaces) or more", f.limit))
	}
	if f.limitSet {
		a.Spec.Space.Limit = &f.limit
	}
	a.Spec.Space.NamePrefix = f.prefix
	a.Spec.Space.ClusterRole = f.clusterRole
	templates := f.templates
	if !f.noBaseline {
		// The baseline's guard-rails stay unless left out on purpose:
		// adding a template must not drop them.
		templates = append([]string{tenancy.BaselineTemplateName}, templates...)
	}
	for _, t := range templates {
		if !slices.ContainsFunc(a.Spec.Space.Templates, func(r landfallv1alpha1.TemplateReference) bool { return r.Name == t }) {
			a.Spec.Space.Templates = append(a.Spec.Space.Templates, landfallv1alpha1.TemplateReference{Name: t})
		}
	}
	if err := cliutil.SetTemplateParams(a.Spec.Space.Templates, f.params, "the account's"); err != nil {
		return nil, err
	}
	return a, nil
}

func createCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	f := &createFlags{}
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an account",
		Long: `Create an account: its subjects may create spaces for it, and every space
gets the account's templates before they get access to it.

Every space gets the baseline template (quota, limits, network policies,
Pod Security restricted) and each --template; --no-baseline leaves the
baseline out. --param sets a template parameter for every space of the
account, as TEMPLATE.NAME=VALUE.`,
		Example: `  # Team A's members may create up to 5 spaces named team-a-*, each from the baseline template
  landfall account create team-a --group team-a --limit 5 --prefix team-a-

  # More pods per space, and a second template
  landfall account create team-b --group team-b -p baseline.QUOTA_PODS=50 --template postgres-backup

  # An account for a CI service account and one user
  landfall account create ci --service-account ci/deployer --user alice`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.limitSet = cmd.Flags().Changed("limit")
			a, err := f.build(args[0])
			if err != nil {
				return err
			}
			c, err := kube.Client()
			if err != nil {
				return err
			}
			if err := c.Create(cmd.Context(), a); err != nil {
				return fmt.Errorf("creating account %s: %w", a.Name, err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "account/%s created\n", a.Name)
			return err
		},
	}
	fs := cmd.Flags()
	// String arrays, not slices: a group may be an LDAP DN, commas and all.
	fs.StringArrayVar(&f.users, "user", nil, "user subject (repeatable)")
	fs.StringArrayVar(&f.groups, "group", nil, "group subject (repeatable)")
	fs.StringArrayVar(&f.serviceAccounts, "service-account", nil, "service account subject NAMESPACE/NAME (repeatable)")
	fs.Int32Var(&f.limit, "limit", 0, "maximum number of spaces; 0 allows none (default: no limit)")
	fs.StringVar(&f.prefix, "prefix", "", "prefix every space name must start with")
	fs.StringVar(&f.clusterRole, "cluster-role", "", "ClusterRole bound in each space (default "+landfallv1alpha1.DefaultSpaceClusterRole+")")
	fs.StringArrayVar(&f.templates, "template", nil, "mandatory template besides the baseline (repeatable)")
	fs.BoolVar(&f.noBaseline, "no-baseline", false, "leave the baseline template out of every space")
	fs.StringArrayVarP(&f.params, "param", "p", nil, "template parameter for every space, TEMPLATE.NAME=VALUE (repeatable)")
	kube.Bind(fs)
	_ = cmd.RegisterFlagCompletionFunc("template", cliutil.CompleteNames(&kube, nil, tenancy.TemplatesResource))
	return cmd
}

func listCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	var selector cliutil.SelectorFlag
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the accounts you can see (a tenant: the accounts they belong to)",
		Example: `  landfall account list
  landfall account list -o yaml
  landfall account list -l cost-center=cc-100`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sel, err := selector.Parse()
			if err != nil {
				return err
			}
			cfg, err := kube.Config()
			if err != nil {
				return err
			}
			cs, dyn, err := cliutil.Clientsets(cfg)
			if err != nil {
				return err
			}
			// A tenant may not list accounts: theirs, by name.
			items, err := tenancy.MyAccounts(cmd.Context(), cs, dyn)
			if err != nil {
				return err
			}
			items = cliutil.MatchingLabels(items, sel)
			if f := output.String(); f != cliutil.OutputText {
				list := &landfallv1alpha1.AccountList{Items: items}
				list.SetGroupVersionKind(landfallv1alpha1.GroupVersion.WithKind("AccountList"))
				return cliutil.PrintStructured(cmd.OutOrStdout(), f, list)
			}
			return printList(cmd.OutOrStdout(), items)
		},
	}
	output.Bind(cmd)
	selector.Bind(cmd.Flags())
	kube.Bind(cmd.Flags())
	return cmd
}

func printList(out io.Writer, items []landfallv1alpha1.Account) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(out, "No accounts you belong to or may see (a platform admin creates them with `landfall account create`).")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSUBJECTS\tSPACES\tLIMIT\tREADY")
	for _, a := range items {
		limit := "-"
		if a.Spec.Space.Limit != nil {
			limit = fmt.Sprint(*a.Spec.Space.Limit)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", a.Name, subjects(a.Spec.Subjects), a.Status.SpaceCount, limit, ready(&a))
	}
	return tw.Flush()
}

func describeCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	cmd := &cobra.Command{
		Use:   "describe NAME",
		Short: "Show an account, its spaces and its quota",
		Example: `  # Subjects, spaces, quota usage and conditions of an account
  landfall account describe team-a`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cliutil.CompleteNameArg(&kube, nil, tenancy.AccountsResource),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDescribe(cmd.Context(), cmd.OutOrStdout(), &kube, args[0])
		},
	}
	kube.Bind(cmd.Flags())
	return cmd
}

func runDescribe(ctx context.Context, out io.Writer, kube *cliutil.KubeFlags, name string) error {
	c, err := kube.Client()
	if err != nil {
		return err
	}
	a := &landfallv1alpha1.Account{}
	if err := c.Get(ctx, client.ObjectKey{Name: name}, a); err != nil {
		return fmt.Errorf("reading account %s: %w", name, err)
	}
	return printDescribe(out, a)
}

// printDescribe writes what `account describe` shows of a.
func printDescribe(w io.Writer, a *landfallv1alpha1.Account) error {
	var out strings.Builder
	fmt.Fprintf(&out, "Name:          %s\n", a.Name)
	fmt.Fprintf(&out, "Subjects:      %s\n", subjects(a.Spec.Subjects))
	fmt.Fprintf(&out, "Space role:    %s\n", a.GetSpaceClusterRole())
	if a.Spec.Space.Limit != nil {
		fmt.Fprintf(&out, "Space limit:   %d\n", *a.Spec.Space.Limit)
	}
	if a.Spec.Space.NamePrefix != "" {
		fmt.Fprintf(&out, "Name prefix:   %s\n", a.Spec.Space.NamePrefix)
	}
	var tpls []string
	for _, t := range a.Spec.Space.Templates {
		tpls = append(tpls, t.Name)
	}
	fmt.Fprintf(&out, "Templates:     %s\n", strings.Join(tpls, ", "))
	fmt.Fprintf(&out, "Spaces:        %s\n", strings.Join(a.Status.Spaces, ", "))
	fmt.Fprintf(&out, "Ready:         %s\n", readyDetail(a))
	// From the Account's status, which its subjects may read (they may
	// not read AccountQuotas).
	for _, q := range a.Status.Quotas {
		fmt.Fprintf(&out, "Quota %s:\n", q.Name)
		for _, res := range slices.Sorted(maps.Keys(q.Hard)) {
			used, hard := q.Used[res], q.Hard[res]
			fmt.Fprintf(&out, "  %-24s %s / %s\n", res, used.String(), hard.String())
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

func subjects(s []rbacv1.Subject) string {
	var parts []string
	for _, sub := range s {
		n := sub.Name
		if sub.Kind == rbacv1.ServiceAccountKind {
			n = sub.Namespace + "/" + sub.Name
		}
		parts = append(parts, strings.ToLower(sub.Kind)+":"+n)
	}
	return strings.Join(parts, ",")
}

// ready is the READY column: the Ready condition's status, or
// Terminating for an account being deleted (its spaces go first).
func ready(a *landfallv1alpha1.Account) string {
	if a.DeletionTimestamp != nil {
		return "Terminating"
	}
	if c := meta.FindStatusCondition(a.Status.Conditions, landfallv1alpha1.ReadyCondition); c != nil {
		return string(c.Status)
	}
	return "Unknown"
}

// readyDetail is ready with the reason and message of a Ready condition
// that is not True: why an account is not ready, or how its deletion is
// getting on.
func readyDetail(a *landfallv1alpha1.Account) string {
	c := meta.FindStatusCondition(a.Status.Conditions, landfallv1alpha1.ReadyCondition)
	if c == nil || c.Status == metav1.ConditionTrue {
		return ready(a)
	}
	return fmt.Sprintf("%s (%s: %s)", ready(a), c.Reason, c.Message)
}
