package template

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/load"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// Command returns `landfall template` with its sub-commands.
func Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "template",
		Short: "List templates and show what one creates in a space",
		Example: `  landfall template list
  landfall template render baseline --space team-a-web --account team-a -p QUOTA_PODS=20
  landfall template render --builtin baseline
  landfall template render -f my-template.yaml --space s1 --account a1`,
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	cmd.AddCommand(listCommand(), renderCommand())
	return cmd
}

func listCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	var selector cliutil.SelectorFlag
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the templates on the cluster",
		Example: `  landfall template list
  landfall template list -o yaml`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sel, err := selector.Parse()
			if err != nil {
				return err
			}
			c, err := kube.Client()
			if err != nil {
				return err
			}
			var list landfallv1alpha1.TemplateList
			if err := c.List(cmd.Context(), &list, client.MatchingLabelsSelector{Selector: sel}); err != nil {
				return fmt.Errorf("listing templates: %w", err)
			}
			if f := output.String(); f != cliutil.OutputText {
				list.SetGroupVersionKind(landfallv1alpha1.GroupVersion.WithKind("TemplateList"))
				for i := range list.Items {
					list.Items[i].SetGroupVersionKind(landfallv1alpha1.GroupVersion.WithKind("Template"))
				}
				return cliutil.PrintStructured(cmd.OutOrStdout(), f, &list)
			}
			return printList(cmd.OutOrStdout(), list.Items)
		},
	}
	output.Bind(cmd)
	selector.Bind(cmd.Flags())
	kube.Bind(cmd.Flags())
	return cmd
}

// printList writes templates as a table.
func printList(out io.Writer, items []landfallv1alpha1.Template) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(out, "No templates (the baseline is in config/samples: `kubectl apply -k config/samples`).")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tOBJECTS\tPARAMETERS\tDESCRIPTION")
	for _, t := range items {
		var params []string
		for _, p := range t.Spec.Parameters {
			params = append(params, p.Name)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", t.Name, len(t.Spec.Resources), strings.Join(params, ","), t.Spec.Description)
	}
	return tw.Flush()
}

// renderOptions are the flags of `template render`.
type renderOptions struct {
	file, space, account string
	builtin              bool
	params               []string
	// accountSet is whether --account was given: only then is the
	// Account read for its labels and parameters.
	accountSet bool
}

func renderCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	o := &renderOptions{}
	completeTemplate := cliutil.CompleteNameArg(&kube, nil, tenancy.TemplatesResource)
	cmd := &cobra.Command{
		Use:   "render [NAME]",
		Short: "Print what a template would create in a space, as YAML",
		Example: `  # What the built-in baseline creates in space team-a-web of account team-a
  landfall template render --builtin baseline --space team-a-web --account team-a

  # A template on the cluster, with a parameter
  landfall template render baseline -p QUOTA_PODS=50

  # A template file before you apply it (- reads standard input)
  landfall template render -f my-template.yaml -p NAME=value`,
		Long: `Render a template for a space and print the namespace labels and objects it
would create. The template comes from the cluster (NAME), a file (-f FILE, or
-f - for standard input) or the built-in baseline (--builtin baseline, no
cluster needed); give exactly one.

With --account, the Account is read from the cluster when it can be: its
labels fill ${ACCOUNT_LABEL_*} and the parameters it sets for the template
apply, as the manager would render them (-p overrides them). When it cannot
be read, the rendering uses the name only and says so on standard error.`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if o.builtin {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return []string{tenancy.BaselineTemplateName}, cobra.ShellCompDirectiveNoFileComp
			}
			return completeTemplate(cmd, args, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			o.accountSet = cmd.Flags().Changed("account")
			tpl, err := o.load(cmd.Context(), cmd.InOrStdin(), &kube, name)
			if err != nil {
				return err
			}
			scope, values, err := o.scope(cmd.Context(), cmd.ErrOrStderr(), &kube, tpl.Name)
			if err != nil {
				return err
			}
			return o.render(cmd.OutOrStdout(), tpl, scope, values)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.file, "file", "f", "", "template manifest `FILE` (- for standard input)")
	fs.BoolVar(&o.builtin, "builtin", false, "use the built-in template NAME (baseline)")
	fs.StringVar(&o.space, "space", "example", "space name (${SPACE})")
	fs.StringVar(&o.account, "account", "example", "account name (${ACCOUNT}); an existing Account also gives its labels and parameters")
	fs.StringArrayVarP(&o.params, "param", "p", nil, "parameter NAME=VALUE (repeatable)")
	kube.Bind(fs)
	_ = cmd.MarkFlagFilename("file", "yaml", "yml", "json")
	_ = cmd.RegisterFlagCompletionFunc("account", cliutil.CompleteNames(&kube, nil, tenancy.AccountsResource))
	return cmd
}

// load finds the template to render.
func (o *renderOptions) load(ctx context.Context, stdin io.Reader, kube *cliutil.KubeFlags, name string) (*landfallv1alpha1.Template, error) {
	switch {
	case o.file != "" && (name != "" || o.builtin):
		return nil, cliutil.UsageError(fmt.Errorf("-f %s cannot be combined with a template NAME or --builtin: give one", o.file))
	case o.file != "":
		return readTemplate(o.file, stdin)
	case o.builtin:
		if name != tenancy.BaselineTemplateName {
			return nil, cliutil.UsageError(fmt.Errorf("no built-in template %q (built-in: %s)", name, tenancy.BaselineTemplateName))
		}
		return tenancy.Baseline(), nil
	case name == "":
		return nil, cliutil.UsageError(fmt.Errorf("give a template NAME, -f FILE or --builtin baseline"))
	}
	c, err := kube.Client()
	if err != nil {
		return nil, err
	}
	tpl := &landfallv1alpha1.Template{}
	if err := c.Get(ctx, client.ObjectKey{Name: name}, tpl); err != nil {
		return nil, fmt.Errorf("reading template %s: %w", name, err)
	}
	return tpl, nil
}

// readTemplate reads one Template manifest from file, or from stdin for
// "-". Anything but exactly one Template is an error naming the file.
func readTemplate(file string, stdin io.Reader) (*landfallv1alpha1.Template, error) {
	var data []byte
	var err error
	if file == "-" {
		file = "standard input"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, cliutil.UsageError(fmt.Errorf("reading template: %w", err))
	}
	// The scanner's reader: YAML or JSON, errors with their line.
	var objects []*posture.Object
	notes, errs := load.Parse(file, data, func(o *posture.Object) error {
		objects = append(objects, o)
		return nil
	})
	if len(errs) > 0 {
		return nil, cliutil.UsageError(errors.Join(errs...))
	}
	if n := len(objects) + len(notes); n != 1 {
		return nil, cliutil.UsageError(fmt.Errorf("%s holds %d YAML documents: give exactly one Template", file, n))
	}
	if len(notes) > 0 {
		n := notes[0]
		return nil, cliutil.UsageError(fmt.Errorf("%s:%d: not a Template: %s", n.File, n.Line, strings.TrimPrefix(n.Message, "skipped: ")))
	}
	tpl := &landfallv1alpha1.Template{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(objects[0].U.Object, tpl, true); err != nil {
		return nil, cliutil.UsageError(fmt.Errorf("decoding %s: %w", file, err))
	}
	if gvk := tpl.GroupVersionKind(); gvk != landfallv1alpha1.GroupVersion.WithKind("Template") {
		return nil, cliutil.UsageError(fmt.Errorf("%s: apiVersion %q, kind %q: want %s Template", file, tpl.APIVersion, tpl.Kind, landfallv1alpha1.GroupVersion))
	}
	if tpl.Name == "" {
		return nil, cliutil.UsageError(fmt.Errorf("%s: metadata.name is empty", file))
	}
	return tpl, nil
}

// scope is what the template is rendered for, and the parameter values:
// the Account's labels and the parameters it sets for the template when
// --account names one that can be read, then -p.
func (o *renderOptions) scope(ctx context.Context, stderr io.Writer, kube *cliutil.KubeFlags, template string) (tenancy.Scope, []landfallv1alpha1.ParameterValue, error) {
	scope := tenancy.Scope{Space: o.space, Account: o.account}
	var values []landfallv1alpha1.ParameterValue
	if o.accountSet {
		account, err := readAccount(ctx, kube, o.account)
		if err != nil {
			fmt.Fprintf(stderr, "note: account %s not read (%v): rendered without its labels and parameters\n", o.account, err)
		} else {
			scope.AccountLabels = account.Labels
			for _, ref := range account.Spec.Space.Templates {
				if ref.Name == template {
					values = append(values, ref.Parameters...)
				}
			}
		}
	}
	for _, p := range o.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return scope, nil, cliutil.UsageError(fmt.Errorf("--param %q: want NAME=VALUE", p))
		}
		values = slices.DeleteFunc(values, func(pv landfallv1alpha1.ParameterValue) bool { return pv.Name == k })
		values = append(values, landfallv1alpha1.ParameterValue{Name: k, Value: v})
	}
	return scope, values, nil
}

// readAccount reads an Account, briefly: a render needs no cluster, so
// one that does not answer must not hold it up.
func readAccount(ctx context.Context, kube *cliutil.KubeFlags, name string) (*landfallv1alpha1.Account, error) {
	c, err := kube.Client()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	a := &landfallv1alpha1.Account{}
	if err := c.Get(ctx, client.ObjectKey{Name: name}, a); err != nil {
		return nil, err
	}
	return a, nil
}

// render prints the rendered template.
func (o *renderOptions) render(out io.Writer, tpl *landfallv1alpha1.Template, scope tenancy.Scope, values []landfallv1alpha1.ParameterValue) error {
	r, err := tenancy.Render(tpl, values, scope)
	if err != nil {
		return cliutil.UsageError(err)
	}
	labels, err := yaml.Marshal(map[string]any{"namespaceLabels": r.NamespaceLabels})
	if err != nil {
		return fmt.Errorf("encoding labels: %w", err)
	}
	fmt.Fprintf(out, "# template %s for space %s of account %s\n", tpl.Name, scope.Space, scope.Account)
	for _, line := range strings.Split(strings.TrimSpace(string(labels)), "\n") {
		fmt.Fprintf(out, "# %s\n", line)
	}
	for _, obj := range r.Objects {
		data, err := yaml.Marshal(obj.Object)
		if err != nil {
			return fmt.Errorf("encoding %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		fmt.Fprintf(out, "---\n%s", data)
	}
	return nil
}
