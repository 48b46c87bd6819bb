package detect

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/detect"
)

func policyCommand() *cobra.Command {
	var include, exclude []string
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Print the minimal audit policy that feeds every detection rule",
		Long: `Print the smallest audit.k8s.io/v1 Policy that records what the detection
rules read, derived from the rules' declared needs: Request level only for
the writes whose bodies rules look into (pods and workloads, RBAC at
RequestResponse, Services, ConfigMaps), Metadata for the rest they read,
nothing for health probes, and never more than Metadata for secrets and
tokens. Give it to kube-apiserver with --audit-policy-file.`,
		Example: `  # Write the policy for kube-apiserver --audit-policy-file
  landfall detect policy > /etc/kubernetes/audit-policy.yaml

  # The policy for the execution rules only
  landfall detect policy --rules 'pod-*,exec-*'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := selectRules(include, exclude)
			if err != nil {
				return cliutil.UsageError(err)
			}
			_, err = cmd.OutOrStdout().Write(detect.Policy(reg.All()))
			return err
		},
	}
	cmd.Flags().StringSliceVar(&include, "rules", nil, "only the needs of these rule `IDs` (globs allowed)")
	cmd.Flags().StringSliceVar(&exclude, "exclude-rules", nil, "leave out the needs of these rule `IDs` (globs allowed)")
	return cmd
}

func webhookConfigCommand() *cobra.Command {
	var url, caFile string
	cmd := &cobra.Command{
		Use:   "webhook-config",
		Short: "Print the API server's audit webhook config file for 'landfall detect serve' or the manager",
		Long: `Print the kubeconfig-style file kube-apiserver reads with
--audit-webhook-config-file, pointing at a 'landfall detect serve' receiver
or at the receiver of 'landfall manager --audit-webhook-bind-address'. Both
accept batches on /audit; a generated certificate (tls.crt of
--self-signed-dir or --audit-webhook-cert-dir) is its own CA, so pass it as
--ca-file. Use it with --audit-webhook-version=audit.k8s.io/v1 (the default)
and the policy of 'landfall detect policy'.`,
		Example: `  landfall detect webhook-config --url https://detect.example.com:8443/audit \
    --ca-file /var/lib/landfall/detect/tls.crt > /etc/kubernetes/audit-webhook.yaml

  # For the manager's receiver (landfall manager --audit-webhook-bind-address :9443)
  landfall detect webhook-config --url https://landfall.example.com:9443/audit \
    --ca-file /var/lib/landfall/audit/tls.crt > /etc/kubernetes/audit-webhook.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var ca []byte
			if caFile != "" {
				var err error
				if ca, err = os.ReadFile(caFile); err != nil {
					return cliutil.UsageError(fmt.Errorf("reading --ca-file: %w", err))
				}
			}
			data, err := detect.WebhookConfig(url, ca)
			if err != nil {
				return cliutil.UsageError(err)
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "https `URL` of the receiver, for example https://detect.example.com:8443/audit")
	cmd.Flags().StringVar(&caFile, "ca-file", "", "PEM `FILE` of the CA that signed the receiver's certificate (default: the system roots)")
	_ = cmd.MarkFlagRequired("url")
	return cmd
}

func rulesCommand() *cobra.Command {
	output := cliutil.NewOutputFlag(cliutil.OutputText, cliutil.OutputText, cliutil.OutputJSON, cliutil.OutputYAML)
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the detection rules",
		Example: `  landfall detect rules
  landfall detect rules -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := selectRules(nil, nil)
			if err != nil {
				return err
			}
			if output.String() != cliutil.OutputText {
				type ruleInfo struct {
					ID          string   `json:"id"`
					Title       string   `json:"title"`
					Severity    string   `json:"severity"`
					Techniques  []string `json:"techniques"`
					Tactics     []string `json:"tactics"`
					Description string   `json:"description"`
					Response    string   `json:"response"`
				}
				var out []ruleInfo
				for _, r := range reg.All() {
					out = append(out, ruleInfo{r.ID, r.Title, r.Severity.String(), r.Techniques, r.Tactics(), r.Description, r.Response})
				}
				return cliutil.PrintStructured(cmd.OutOrStdout(), output.String(), out)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tTECHNIQUES\tTITLE")
			for _, r := range reg.All() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(r.Techniques, ","), r.Title)
			}
			return tw.Flush()
		},
	}
	output.Bind(cmd)
	return cmd
}
