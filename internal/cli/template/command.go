package template

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
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
		Args: cobra.NoArgs,
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cliutil.UsageError(err) })
	cmd.AddCommand(listCommand(), renderCommand())
	return cmd
}

func listCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the templates on the cluster",
		Example: `  landfall template list`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := kube.Client()
			if err != nil {
				return err
			}
			var list landfallv1alpha1.TemplateList
			if err := c.List(cmd.Context(), &list); err != nil {
				return fmt.Errorf("listing templates: %w", err)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tOBJECTS\tPARAMETERS\tDESCRIPTION")
			for _, t := range list.Items {
				var params []string
				for _, p := range t.Spec.Parameters {
					params = append(params, p.Name)
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", t.Name, len(t.Spec.Resources), strings.Join(params, ","), t.Spec.Description)
			}
			return tw.Flush()
		},
	}
	kube.Bind(cmd.Flags())
	return cmd
}

// renderOptions are the flags of `template render`.
type renderOptions struct {
	file, space, account string
	builtin              bool
	params               []string
}

func renderCommand() *cobra.Command {
	var kube cliutil.KubeFlags
	o := &renderOptions{}
	cmd := &cobra.Command{
		Use:   "render [NAME]",
		Short: "Print what a template would create in a space, as YAML",
		Example: `  # What the built-in baseline creates in space team-a-web of account team-a
  landfall template render --builtin baseline --space team-a-web --account team-a

  # A template on the cluster, with a parameter
  landfall template render baseline -p QUOTA_PODS=50

  # A template file before you apply it
  landfall template render -f my-template.yaml -p NAME=value`,
		Long: `Render a template for a space and print the namespace labels and objects it
would create. The template comes from the cluster (NAME), a file (-f) or the
built-in baseline (--builtin baseline, no cluster needed).`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cliutil.CompleteNameArg(&kube, nil, tenancy.TemplatesResource),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			tpl, err := o.load(cmd.Context(), &kube, name)
			if err != nil {
				return err
			}
			return o.render(cmd.OutOrStdout(), tpl)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.file, "file", "f", "", "template manifest file")
	fs.BoolVar(&o.builtin, "builtin", false, "use the built-in template NAME (baseline)")
	fs.StringVar(&o.space, "space", "example", "space name (${SPACE})")
	fs.StringVar(&o.account, "account", "example", "account name (${ACCOUNT})")
	fs.StringArrayVarP(&o.params, "param", "p", nil, "parameter NAME=VALUE (repeatable)")
	kube.Bind(fs)
	return cmd
}

// load finds the template to render.
func (o *renderOptions) load(ctx context.Context, kube *cliutil.KubeFlags, name string) (*landfallv1alpha1.Template, error) {
	switch {
	case o.file != "":
		data, err := os.ReadFile(o.file)
		if err != nil {
			return nil, cliutil.UsageError(fmt.Errorf("reading template: %w", err))
		}
		tpl := &landfallv1alpha1.Template{}
		if err := yaml.UnmarshalStrict(data, tpl); err != nil {
			return nil, cliutil.UsageError(fmt.Errorf("decoding %s: %w", o.file, err))
		}
		return tpl, nil
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

// render prints the rendered template.
func (o *renderOptions) render(out io.Writer, tpl *landfallv1alpha1.Template) error {
	var values []landfallv1alpha1.ParameterValue
	for _, p := range o.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return cliutil.UsageError(fmt.Errorf("--param %q: want NAME=VALUE", p))
		}
		values = append(values, landfallv1alpha1.ParameterValue{Name: k, Value: v})
	}
	r, err := tenancy.Render(tpl, values, tenancy.Scope{Space: o.space, Account: o.account})
	if err != nil {
		return cliutil.UsageError(err)
	}
	labels, err := yaml.Marshal(map[string]any{"namespaceLabels": r.NamespaceLabels})
	if err != nil {
		return fmt.Errorf("encoding labels: %w", err)
	}
	fmt.Fprintf(out, "# template %s for space %s of account %s\n", tpl.Name, o.space, o.account)
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
