package detect

import (
	"fmt"
	"path"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/rules"
	"github.com/landfall-dev/landfall/internal/posture"
)

// Output formats of alerts.
const (
	outputTable = "table"
	outputJSON  = "json"
)

// engineOptions are the flags shared by the commands that run rules.
type engineOptions struct {
	output         *cliutil.OutputFlag
	config         string
	minSeverity    string
	failOn         string
	saCIDRs        []string
	proxyCIDRs     []string
	burstThreshold int
	burstWindow    time.Duration
	rules          []string
	excludeRules   []string
	noSummary      bool
}

func newEngineOptions() *engineOptions {
	return &engineOptions{output: cliutil.NewOutputFlag(outputTable, outputTable, outputJSON), minSeverity: "low", failOn: "none"}
}

func (o *engineOptions) bind(fs *pflag.FlagSet) {
	fs.StringVar(&o.config, "config", "", "allow-list and rule settings `FILE` (YAML)")
	fs.StringVar(&o.minSeverity, "min-severity", o.minSeverity, "report alerts of this `severity` or higher: low|medium|high|critical")
	fs.StringVar(&o.failOn, "fail-on", o.failOn, "exit 1 when an alert of this `severity` or higher was raised: low|medium|high|critical|none")
	fs.StringSliceVar(&o.saCIDRs, "service-account-cidrs", nil, "`CIDRs` service accounts call from (pod network, nodes); adds to the config file's")
	fs.StringSliceVar(&o.proxyCIDRs, "proxy-cidrs", nil, "`CIDRs` of proxies and Tor exit nodes; adds to the config file's")
	fs.IntVar(&o.burstThreshold, "burst-threshold", 0, "deletes by one user within --burst-window that raise mass-delete-burst (default 10, or the config file's)")
	fs.DurationVar(&o.burstWindow, "burst-window", 0, "sliding window of the burst rules (default 1m, or the config file's)")
	fs.StringSliceVar(&o.rules, "rules", nil, "run only these rule `IDs` (comma-separated, globs allowed)")
	fs.StringSliceVar(&o.excludeRules, "exclude-rules", nil, "skip these rule `IDs` (comma-separated, globs allowed)")
	fs.BoolVar(&o.noSummary, "no-summary", false, "do not print the per-tactic summary at the end")
}

// registry returns the built-in rules narrowed by --rules and
// --exclude-rules.
func (o *engineOptions) registry() (*detect.Registry, error) {
	return selectRules(o.rules, o.excludeRules)
}

// selectRules narrows the built-in rules by include and exclude globs;
// a pattern that matches no rule is an error.
func selectRules(include, exclude []string) (*detect.Registry, error) {
	all := rules.All()
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.ID
	}
	for flag, patterns := range map[string][]string{"--rules": include, "--exclude-rules": exclude} {
		for _, p := range patterns {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("%s: bad pattern %q: %w", flag, p, err)
			}
			if !slices.ContainsFunc(ids, func(id string) bool { ok, _ := path.Match(p, id); return ok }) {
				return nil, fmt.Errorf("%s: %q matches no rule", flag, p)
			}
		}
	}
	matches := func(patterns []string, id string) bool {
		return slices.ContainsFunc(patterns, func(p string) bool { ok, _ := path.Match(p, id); return ok })
	}
	var keep []detect.Rule
	for _, r := range all {
		if (len(include) == 0 || matches(include, r.ID)) && !matches(exclude, r.ID) {
			keep = append(keep, r)
		}
	}
	if len(keep) == 0 {
		return nil, detect.ErrNoRules
	}
	return detect.NewRegistry(keep...)
}

// engine builds the engine: the config file, with the flags merged over
// its settings.
func (o *engineOptions) engine(reg *detect.Registry) (*detect.Engine, error) {
	min, err := posture.ParseSeverity(o.minSeverity)
	if err != nil {
		return nil, fmt.Errorf("--min-severity: %w", err)
	}
	if _, err := o.failThreshold(); err != nil {
		return nil, err
	}
	var cfg *detect.Config
	if o.config != "" {
		if cfg, err = detect.LoadConfig(o.config); err != nil {
			return nil, err
		}
	}
	settings, err := cfg.Settings()
	if err != nil {
		return nil, err
	}
	sa, err := detect.ParsePrefixes(o.saCIDRs)
	if err != nil {
		return nil, fmt.Errorf("--service-account-cidrs: %w", err)
	}
	proxy, err := detect.ParsePrefixes(o.proxyCIDRs)
	if err != nil {
		return nil, fmt.Errorf("--proxy-cidrs: %w", err)
	}
	settings.ServiceAccountCIDRs = append(settings.ServiceAccountCIDRs, sa...)
	settings.ProxyCIDRs = append(settings.ProxyCIDRs, proxy...)
	if o.burstThreshold < 0 {
		return nil, fmt.Errorf("--burst-threshold: must be positive, got %d", o.burstThreshold)
	}
	if o.burstThreshold > 0 {
		settings.BurstThreshold = o.burstThreshold
	}
	if o.burstWindow < 0 {
		return nil, fmt.Errorf("--burst-window: must be positive, got %s", o.burstWindow)
	}
	if o.burstWindow > 0 {
		settings.BurstWindow = o.burstWindow
	}
	return detect.NewEngine(reg, detect.Options{Config: cfg, Settings: &settings, MinSeverity: min})
}

// failThreshold parses --fail-on; 0 means none.
func (o *engineOptions) failThreshold() (posture.Severity, error) {
	if o.failOn == "none" {
		return 0, nil
	}
	s, err := posture.ParseSeverity(o.failOn)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w", err)
	}
	return s, nil
}
