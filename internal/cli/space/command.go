package space

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/spaces"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// Command returns `landfall space` with its sub-commands.
func Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "space",
		Short: "Create, list and delete spaces (namespaces owned by an account)",
		Long: `A space is a namespace owned by an account. Landfall creates the namespace,
applies the account's mandatory templates (quota, limits, network policies,
Pod Security), and only then gives the account's subjects access.`,
		Example: `  landfall space create team-a-web --account team-a
  landfall space list
  landfall space delete team-a-web`,
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	cmd.AddCommand(createCommand(), listCommand(), deleteCommand())
	return cmd
}

func createCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	var account string
	var templates, params []string
	var w waitFlags
	cmd := &cobra.Command{
		Use:   "create NAME [--account ACCOUNT]",
		Short: "Create a space for an account you belong to",
		Example: `  # As a member of team-a, with your own credentials
  landfall space create team-a-web --account team-a

  # As a member of one account only, which is then the default
  landfall space create team-a-web

  # With an extra template besides the account's mandatory ones
  landfall space create team-a-db --account team-a --template postgres-backup

  # With a parameter of that template
  landfall space create team-a-db --template postgres-backup -p postgres-backup.SCHEDULE='0 3 * * *'

  # Wait until the space is ready for you to use
  landfall space create team-a-web --wait`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := w.validate(); err != nil {
				return err
			}
			s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: args[0]}}
			for _, t := range templates {
				s.Spec.Templates = append(s.Spec.Templates, landfallv1alpha1.TemplateReference{Name: t})
			}
			if err := cliutil.SetTemplateParams(s.Spec.Templates, params, "--template"); err != nil {
				return err
			}
			c, cfg, err := kube.Clients()
			if err != nil {
				return err
			}
			if account == "" {
				if account, err = defaultAccount(cmd.Context(), c, cfg); err != nil {
					return err
				}
			}
			s.Spec.Account = account
			return runCreate(cmd.Context(), cmd.OutOrStdout(), c, s, w)
		},
	}
	w.bind(cmd, "until the space is ready (its templates applied, you bound) or stalled")
	cmd.Flags().StringVar(&account, "account", "", "account that owns the space (default: your account, when you belong to exactly one)")
	cmd.Flags().StringSliceVar(&templates, "template", nil, "extra template to apply (repeatable)")
	cmd.Flags().StringArrayVarP(&params, "param", "p", nil, "parameter of a --template, TEMPLATE.NAME=VALUE (repeatable; the account's own templates take theirs from the account)")
	kube.Bind(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("account", cliutil.CompleteNames(&kube, nil, tenancy.AccountsResource))
	_ = cmd.RegisterFlagCompletionFunc("template", cliutil.CompleteNames(&kube, nil, tenancy.TemplatesResource))
	return cmd
}

// defaultAccount returns the one account the caller is a subject of
// (and that is not being deleted): the caller is who the API server says
// (a SelfSubjectReview), and their accounts are those they can read
// (tenancy.MyAccounts). Anyone else must say which.
func defaultAccount(ctx context.Context, c client.Client, cfg *rest.Config) (string, error) {
	user, err := cliutil.WhoAmI(ctx, c)
	if err != nil {
		return "", err
	}
	cs, dyn, err := cliutil.Clientsets(cfg)
	if err != nil {
		return "", err
	}
	accounts, err := tenancy.MyAccounts(ctx, cs, dyn)
	if err != nil {
		return "", fmt.Errorf("finding your accounts: %w", err)
	}
	var names []string
	for _, a := range accounts {
		if a.DeletionTimestamp.IsZero() && tenancy.IsSubject(a.Spec.Subjects, user.Username, user.Groups) {
			names = append(names, a.Name)
		}
	}
	switch len(names) {
	case 1:
		return names[0], nil
	case 0:
		return "", cliutil.UsageError(fmt.Errorf("--account is required (%s is a subject of no account)", user.Username))
	default:
		return "", cliutil.UsageError(fmt.Errorf("--account is required: you belong to %d accounts (%s)", len(names), strings.Join(names, ", ")))
	}
}

// waitFlags are --wait and --timeout.
type waitFlags struct {
	wait    bool
	timeout time.Duration
}

func (w *waitFlags) bind(cmd *cobra.Command, what string) {
	cmd.Flags().BoolVar(&w.wait, "wait", false, "wait "+what)
	cmd.Flags().DurationVar(&w.timeout, "timeout", 2*time.Minute, "how long --wait waits (with --wait only)")
}

// validate rejects a --wait that could not wait.
func (w *waitFlags) validate() error {
	if w.wait && w.timeout <= 0 {
		return cliutil.UsageError(fmt.Errorf("--timeout %s: want a positive duration", w.timeout))
	}
	return nil
}

func runCreate(ctx context.Context, out io.Writer, c client.Client, s *landfallv1alpha1.Space, w waitFlags) error {
	name, account := s.Name, s.Spec.Account
	if err := c.Create(ctx, s); err != nil {
		return fmt.Errorf("creating space %s: %w", name, err)
	}
	if !w.wait {
		_, err := fmt.Fprintf(out, "space/%s created for account %s; access is granted once its templates are ready (landfall spaces)\n", name, account)
		return err
	}
	fmt.Fprintf(out, "space/%s created for account %s; waiting until it is ready...\n", name, account)
	return waitReady(ctx, out, c, name, w.timeout)
}

func listCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	var selector cliutil.SelectorFlag
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the spaces you can see",
		Example: `  landfall space list
  landfall space list -o json
  landfall space list -l landfall.dev/account=team-a`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return spaces.Run(cmd.Context(), cmd.OutOrStdout(), &kube, &selector, output.String())
		},
	}
	output.Bind(cmd)
	selector.Bind(cmd.Flags())
	kube.Bind(cmd.Flags())
	return cmd
}

func deleteCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	var w waitFlags
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a space and its namespace",
		Example: `  # Deletes the space and its namespace with everything in it
  landfall space delete team-a-web

  # And waits until both are gone
  landfall space delete team-a-web --wait`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cliutil.CompleteNameArg(&kube, nil, tenancy.SpacesResource),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := w.validate(); err != nil {
				return err
			}
			c, err := kube.Client()
			if err != nil {
				return err
			}
			s := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: args[0]}}
			if err := c.Delete(cmd.Context(), s); err != nil {
				return fmt.Errorf("deleting space %s: %w", args[0], err)
			}
			if !w.wait {
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "space/%s deleted (its namespace is being deleted)\n", args[0])
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "space/%s deleted; waiting until its namespace is gone...\n", args[0])
			if err := waitGone(cmd.Context(), c, args[0], w.timeout); err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "space/%s and its namespace are gone\n", args[0])
			return err
		},
	}
	w.bind(cmd, "until the space and its namespace are gone")
	kube.Bind(cmd.Flags())
	return cmd
}
