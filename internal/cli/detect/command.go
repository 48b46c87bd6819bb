package detect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// maxWarnings is how many malformed lines are printed as they are read;
// the summary counts them all.
const maxWarnings = 20

// Command returns the `landfall detect` command and its sub-commands.
func Command() *cobra.Command {
	o := newEngineOptions()
	var (
		follow  bool
		fromEnd bool
	)
	cmd := &cobra.Command{
		Use:   "detect [FILE...|-]",
		Short: "Detect attacks in API-server audit logs, mapped to the Threat Matrix",
		Long: `Detect attacks in Kubernetes API-server audit logs (audit.k8s.io/v1 events as
JSON lines), with rules keyed on the techniques of the Threat Matrix for
Kubernetes: exec into containers, deleted events, cluster-admin bindings,
secrets read across namespaces, new admission webhooks, CronJob backdoors,
CoreDNS edits, anonymous access, sidecar injection, mass deletion and more.

FILE is an audit log; "-" or no FILE reads standard input. With --follow,
the one FILE is followed as it grows and through rotation (rename or
copytruncate) without losing or repeating events, until interrupted.
Malformed lines are reported with their line number and skipped.

Alerts go to standard output as a table or, with -o json, as JSON lines for
a SIEM; they name the rule, techniques, severity, who, what, when and the
audit ID, never request bodies. A summary per tactic follows at the end
(on standard error with -o json).

--config names a YAML file of allow-list entries (users, groups,
namespaces, images per rule) and rule settings (serviceAccountCIDRs,
proxyCIDRs, burst threshold and window). The rules need an audit policy
that records what they read: see 'landfall detect policy'.

Exit codes: 0, or 1 with --fail-on when an alert at or above it was raised;
2 on usage errors and unreadable files.`,
		Example: `  # Alerts in an audit log, as a table with a per-tactic summary
  landfall detect /var/log/kubernetes/audit.log

  # Follow the live log through rotation, JSON lines for a SIEM, high and up
  landfall detect --follow -o json --min-severity high /var/log/kubernetes/audit.log

  # With an allow-list and the pod network for the service-account rule
  landfall detect --config detect.yaml --service-account-cidrs 10.244.0.0/16 audit.log

  # The audit policy that feeds every rule
  landfall detect policy > /etc/kubernetes/audit-policy.yaml`,
		Args: func(_ *cobra.Command, args []string) error {
			if follow && (len(args) != 1 || args[0] == "-") {
				return cliutil.UsageError(errors.New("--follow needs exactly one FILE"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFiles(cmd.Context(), o, streams{in: cmd.InOrStdin(), out: cmd.OutOrStdout(), err: cmd.ErrOrStderr()}, args, follow, fromEnd)
		},
	}
	cmd.SetFlagErrorFunc(cliutil.FlagError)
	o.output.Bind(cmd)
	o.bind(cmd.Flags())
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "follow FILE as it grows and is rotated, until interrupted")
	cmd.Flags().BoolVar(&fromEnd, "from-end", false, "with --follow, start at the end of FILE instead of its beginning")
	cmd.AddCommand(policyCommand(), webhookConfigCommand(), serveCommand(), rulesCommand())
	return cmd
}

// streams are the command's standard streams.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// pipeline is a detector with its sinks, set up from the engine flags.
type pipeline struct {
	detector *detect.Detector
	failing  atomic.Int64
	failOn   posture.Severity
}

// newPipeline builds the engine and a detector writing alerts to
// std.out in the chosen format; metrics may be nil.
func newPipeline(o *engineOptions, std streams, metrics func(*detect.Registry) *detect.Metrics) (*pipeline, error) {
	reg, err := o.registry()
	if err != nil {
		return nil, cliutil.UsageError(err)
	}
	engine, err := o.engine(reg)
	if err != nil {
		return nil, cliutil.UsageError(err)
	}
	failOn, _ := o.failThreshold()
	p := &pipeline{failOn: failOn}
	out := detect.TableSink(std.out)
	if o.output.String() == outputJSON {
		out = detect.JSONLinesSink(std.out)
	}
	count := detect.SinkFunc(func(a detect.Alert) error {
		if p.failOn > 0 && a.Severity >= p.failOn {
			p.failing.Add(1)
		}
		return nil
	})
	var m *detect.Metrics
	if metrics != nil {
		m = metrics(reg)
	}
	p.detector = detect.NewDetector(engine, m, out, count)
	warned := 0
	p.detector.OnMalformed = func(mal detect.Malformed) {
		if warned < maxWarnings {
			fmt.Fprintf(std.err, "warning: %v\n", mal)
		} else if warned == maxWarnings {
			fmt.Fprintf(std.err, "warning: more malformed lines; the summary counts them\n")
		}
		warned++
	}
	return p, nil
}

// finish prints the summary and maps the outcome to an exit status.
func (p *pipeline) finish(o *engineOptions, std streams) error {
	if !o.noSummary {
		w := std.out
		if o.output.String() == outputJSON {
			w = std.err
		}
		if err := p.detector.WriteSummary(w); err != nil {
			return fmt.Errorf("writing summary: %w", err)
		}
	}
	if err := p.detector.Err(); err != nil {
		return err
	}
	if n := p.failing.Load(); n > 0 {
		return &cliutil.ExitError{Code: cliutil.ExitFailure, Err: fmt.Errorf("%d alerts at or above %s", n, p.failOn)}
	}
	return nil
}

// runFiles reads (or follows) the audit logs and reports their alerts.
func runFiles(ctx context.Context, o *engineOptions, std streams, files []string, follow, fromEnd bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	p, err := newPipeline(o, std, nil)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, f := range files {
		switch {
		case follow:
			err = detect.Follow(ctx, f, detect.FollowOptions{FromEnd: fromEnd}, p.detector)
		case f == "-":
			err = detect.ReadEvents(ctx, std.in, "stdin", p.detector)
		default:
			err = detect.ReadFile(ctx, f, p.detector)
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
				return cliutil.UsageError(err)
			}
			return err
		}
	}
	return p.finish(o, std)
}
