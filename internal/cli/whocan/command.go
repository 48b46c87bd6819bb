package whocan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/rbac"
)

// outputTable is the default, human-readable format.
const outputTable = "table"

// options are the flags of the command.
type options struct {
	kube          cliutil.KubeFlags
	output        *cliutil.OutputFlag
	namespace     cliutil.NamespaceFlag
	allNamespaces bool
	name          string
}

// Command returns `landfall who-can`.
func Command() *cobra.Command {
	o := &options{output: cliutil.NewOutputFlag(outputTable, outputTable, cliutil.OutputJSON, cliutil.OutputYAML)}
	cmd := &cobra.Command{
		Use:   "who-can VERB RESOURCE[/SUBRESOURCE] | VERB /URL",
		Short: "List the subjects allowed a request, with the binding and role that allow it",
		Long: `List every user, group and service account that RBAC allows a request,
with the RoleBinding or ClusterRoleBinding and the Role or ClusterRole that
allow it, and where (cluster-wide, or the RoleBinding's namespace).

Resources are named as in kubectl (plural, singular, short name, optionally
.group), a subresource after a slash (pods/exec); a non-resource URL starts
with a slash (/healthz; a rule ending in * matches by prefix). The request is
in the current namespace unless -n or --all-namespaces says otherwise;
cluster-scoped resources and URLs have none.

The answer is computed from a snapshot of the cluster's Roles, ClusterRoles,
RoleBindings and ClusterRoleBindings (the API server's defaults included),
with the authorizer's semantics; reading them needs list on all four
cluster-wide.`,
		Example: `  # Who can read secrets in any namespace, and how
  landfall who-can list secrets --all-namespaces

  # Who can exec into pods of team-a
  landfall who-can create pods/exec -n team-a

  # Who can change the coredns ConfigMap
  landfall who-can patch configmaps --name coredns -n kube-system

  # Non-resource URLs
  landfall who-can get /metrics -o json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return cliutil.UsageError(fmt.Errorf("want VERB and RESOURCE (or /URL), got %d arguments", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], args[1])
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	fs := cmd.Flags()
	o.namespace.Bind(fs)
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "the request in every namespace: RoleBindings of all namespaces count")
	fs.StringVar(&o.name, "name", "", "name of the object (rules with resourceNames match only named requests)")
	o.output.Bind(cmd)
	o.kube.Bind(fs)
	return cmd
}

// Result is what who-can prints as JSON or YAML.
type Result struct {
	// Request is the request asked about.
	Request rbac.Attributes `json:"request"`
	// AllNamespaces is true when RoleBindings of every namespace counted.
	AllNamespaces bool `json:"allNamespaces,omitempty"`
	// Grants are the subjects allowed, with binding, role and scope.
	Grants []rbac.Grant `json:"grants"`
}

func (o *options) run(ctx context.Context, out, errOut io.Writer, verb, resource string) error {
	if o.allNamespaces && o.namespace.Value != "" {
		return cliutil.UsageError(errors.New("--namespace and --all-namespaces exclude each other"))
	}
	cfg, err := o.kube.Config()
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("creating client: %w", err)
	}
	ns := ""
	if !o.allNamespaces {
		if ns, err = o.namespace.Resolve(&o.kube); err != nil {
			return err
		}
	}
	req, err := rbac.NewResolver(cs.Discovery()).Request(verb, resource, o.name, ns)
	if err != nil {
		var re *rbac.RequestError
		if errors.As(err, &re) {
			return cliutil.UsageError(err)
		}
		return err
	}
	if !req.Namespaced && o.namespace.Value != "" {
		fmt.Fprintf(errOut, "Warning: %s has no namespace; --namespace is ignored\n", resource)
	}
	snap, err := Load(ctx, cs)
	if err != nil {
		return err
	}
	res := Result{Request: req.Attributes}
	if req.Namespaced && o.allNamespaces {
		res.AllNamespaces = true
		res.Request.Namespace = ""
		res.Grants = snap.WhoCanInAnyNamespace(req.Attributes)
	} else {
		res.Grants = snap.WhoCan(req.Attributes)
	}
	if res.Grants == nil {
		res.Grants = []rbac.Grant{}
	}
	if o.output.String() != outputTable {
		return cliutil.PrintStructured(out, o.output.String(), res)
	}
	return Print(out, res)
}

// Load reads the cluster's RBAC, explaining a forbidden LIST.
func Load(ctx context.Context, cs kubernetes.Interface) (*rbac.Snapshot, error) {
	snap, err := rbac.Load(ctx, cs, rbac.LoadOptions{})
	if apierrors.IsForbidden(err) {
		return nil, fmt.Errorf("%w\n(answering needs list on roles, clusterroles, rolebindings and clusterrolebindings cluster-wide)", err)
	}
	return snap, err
}

// Print writes the grants as a table.
func Print(out io.Writer, res Result) error {
	if len(res.Grants) == 0 {
		what := res.Request.String()
		if res.AllNamespaces {
			what += " in any namespace"
		}
		_, err := fmt.Fprintf(out, "No subject can %s.\n", what)
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tSUBJECT\tBINDING\tROLE\tSCOPE")
	for _, g := range res.Grants {
		subject := g.Subject.Name
		if g.Subject.Namespace != "" {
			subject = g.Subject.Namespace + "/" + subject
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", g.Subject.Kind, subject, g.Binding, g.Role, g.Scope())
	}
	return tw.Flush()
}
