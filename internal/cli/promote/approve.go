package promote

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// approveCommand returns `approve` (approve true) or `reject`.
func approveCommand(approve bool) *cobra.Command {
	var kube cliutil.KubeFlags
	var ns cliutil.NamespaceFlag
	var message string
	use, short, example := "approve NAME", "Approve a promotion (needs the verb approve on promotions)",
		`  landfall promote approve web-prod-x7k2p -n shop --message "release 1.4, CAB-123"`
	if !approve {
		use, short, example = "reject NAME", "Reject a promotion for good (needs the verb approve on promotions)",
			`  landfall promote reject web-prod-x7k2p -n shop --message "not during the freeze"`
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

The approval is written in your name (spec.approval.approver, as the API
server knows you); the admission webhook checks with a SubjectAccessReview
that you hold the verb approve on promotions.landfall.dev in the namespace,
so who may promote to an environment is plain Kubernetes RBAC:

  rules:
  - apiGroups: [landfall.dev]
    resources: [promotions]
    verbs: [approve]`,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApprove(cmd.Context(), cmd.OutOrStdout(), &kube, &ns, args[0], approve, message)
		},
	}
	cmd.Flags().StringVar(&message, "message", "", "comment recorded with the decision (and in the commit message)")
	kube.Bind(cmd.Flags())
	ns.Bind(cmd.Flags())
	return cmd
}

func runApprove(ctx context.Context, out io.Writer, kube *cliutil.KubeFlags, nsFlag *cliutil.NamespaceFlag, name string, approve bool, message string) error {
	c, err := kube.Client()
	if err != nil {
		return err
	}
	ns, err := nsFlag.Resolve(kube)
	if err != nil {
		return err
	}
	me, err := cliutil.WhoAmI(ctx, c)
	if err != nil {
		return err
	}
	user := me.Username
	p := &landfallv1alpha1.Promotion{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, p); err != nil {
		return fmt.Errorf("reading promotion %s/%s: %w", ns, name, err)
	}
	if p.IsFinished() {
		return fmt.Errorf("promotion %s/%s already %s", ns, name, p.Status.Phase)
	}
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.Approval = &landfallv1alpha1.PromotionApproval{Approved: approve, Approver: user, Message: message}
	doing, done := "approving", "approved"
	if !approve {
		doing, done = "rejecting", "rejected"
	}
	if err := c.Patch(ctx, p, patch); err != nil {
		return fmt.Errorf("%s promotion %s/%s: %w", doing, ns, name, err)
	}
	_, err = fmt.Fprintf(out, "promotion/%s %s by %s\n", name, done, user)
	return err
}
