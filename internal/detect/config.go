package detect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path"
	"slices"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Config is the detection config file: allow-list entries and rule
// settings. Example:
//
//	allow:
//	- reason: Argo CD syncs RBAC
//	  rules: [cluster-admin-bound, rbac-wildcard-role]
//	  users: ["system:serviceaccount:argocd:*"]
//	- reason: the debug namespace is for kubectl exec
//	  rules: [pod-exec]
//	  namespaces: [debug]
//	serviceAccountCIDRs: [10.244.0.0/16, 192.168.0.0/24]
//	proxyCIDRs: [185.220.100.0/22]
//	trustedRegistries: [registry.example.com, "*.dkr.ecr.*.amazonaws.com", docker.io/library]
//	cloudIdentities: ["arn:aws:*", "*.iam.gserviceaccount.com"]
//	pullSecretNames: ["regcred*", "*-pull"]
//	burst:
//	  threshold: 20
//	  window: 2m
type Config struct {
	// Allow are the allow-list entries; an alert matching any is dropped.
	Allow []AllowEntry `yaml:"allow"`
	// ServiceAccountCIDRs are the networks service accounts call from.
	ServiceAccountCIDRs []string `yaml:"serviceAccountCIDRs"`
	// ProxyCIDRs are networks of known proxies and Tor exit nodes.
	ProxyCIDRs []string `yaml:"proxyCIDRs"`
	// TrustedRegistries are the registries and repository prefixes
	// images may come from; empty turns the untrusted-registry rule off.
	TrustedRegistries []string `yaml:"trustedRegistries"`
	// CloudIdentities replace DefaultCloudIdentities when set.
	CloudIdentities []string `yaml:"cloudIdentities"`
	// PullSecretNames replace DefaultPullSecretNames when set.
	PullSecretNames []string `yaml:"pullSecretNames"`
	// Burst configures the burst rules.
	Burst BurstConfig `yaml:"burst"`

	// file is the file the config was read from, for messages.
	file string
}

// BurstConfig configures the burst rules.
type BurstConfig struct {
	// Threshold is the number of hits by one user that raise an alert;
	// 0 means DefaultBurstThreshold.
	Threshold int `yaml:"threshold"`
	// Window is the sliding window, for example "1m"; empty means
	// DefaultBurstWindow.
	Window string `yaml:"window"`
}

// AllowEntry drops the alerts of some rules for some requests. Within a
// list any element may match (patterns as in path.Match, so "*" matches
// within a name); across the lists set, every one must match. An entry
// with no condition besides Rules drops those rules entirely.
type AllowEntry struct {
	// Reason says why; required.
	Reason string `yaml:"reason"`
	// Rules are rule ID patterns; empty means every rule.
	Rules []string `yaml:"rules"`
	// Users are user name patterns.
	Users []string `yaml:"users"`
	// Groups are group name patterns; one of the user's groups must match.
	Groups []string `yaml:"groups"`
	// Namespaces are namespace patterns.
	Namespaces []string `yaml:"namespaces"`
	// Images are image patterns; every image of the request's pod spec
	// must match one. A request without a pod spec does not match.
	Images []string `yaml:"images"`

	// Line is the entry's line in the file.
	Line int `yaml:"-"`
}

// UnmarshalYAML records the entry's line.
func (e *AllowEntry) UnmarshalYAML(n *yaml.Node) error {
	type plain AllowEntry
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*e = AllowEntry(p)
	e.Line = n.Line
	return nil
}

// LoadConfig reads a config file. Errors name the file and, where known,
// the line.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading detect config: %w", err)
	}
	return ParseConfig(file, data)
}

// ParseConfig parses a config file's contents; file names it in errors.
// Unknown fields are errors.
func ParseConfig(file string, data []byte) (*Config, error) {
	cfg := &Config{file: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i, e := range cfg.Allow {
		if e.Reason == "" {
			return nil, fmt.Errorf("%s:%d: allow[%d].reason: required", file, e.Line, i)
		}
		for _, list := range [][]string{e.Rules, e.Users, e.Groups, e.Namespaces, e.Images} {
			for _, p := range list {
				if _, err := path.Match(p, ""); err != nil {
					return nil, fmt.Errorf("%s:%d: allow[%d]: bad pattern %q: %w", file, e.Line, i, p, err)
				}
			}
		}
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"trustedRegistries", cfg.TrustedRegistries}, {"pullSecretNames", cfg.PullSecretNames}} {
		for _, p := range f.list {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("%s: %s: bad pattern %q: %w", file, f.name, p, err)
			}
		}
	}
	if _, err := cfg.Settings(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Validate checks that every rule pattern of the allow-list matches a
// rule of ids, so that a typo does not silently allow nothing.
func (c *Config) Validate(ids []string) error {
	for i, e := range c.Allow {
		for _, p := range e.Rules {
			if !slices.ContainsFunc(ids, func(id string) bool { return match(p, id) }) {
				return fmt.Errorf("%s:%d: allow[%d].rules: %q matches no rule", c.file, e.Line, i, p)
			}
		}
	}
	return nil
}

// Settings returns the rule settings of the config, defaults filled in.
func (c *Config) Settings() (Settings, error) {
	s := DefaultSettings()
	if c == nil {
		return s, nil
	}
	var err error
	if s.ServiceAccountCIDRs, err = parsePrefixes(c.ServiceAccountCIDRs); err != nil {
		return s, fmt.Errorf("%s: serviceAccountCIDRs: %w", c.file, err)
	}
	if s.ProxyCIDRs, err = parsePrefixes(c.ProxyCIDRs); err != nil {
		return s, fmt.Errorf("%s: proxyCIDRs: %w", c.file, err)
	}
	s.TrustedRegistries = c.TrustedRegistries
	if len(c.CloudIdentities) > 0 {
		s.CloudIdentities = c.CloudIdentities
	}
	if len(c.PullSecretNames) > 0 {
		s.PullSecretNames = c.PullSecretNames
	}
	if c.Burst.Threshold < 0 {
		return s, fmt.Errorf("%s: burst.threshold: must be positive, got %d", c.file, c.Burst.Threshold)
	}
	if c.Burst.Threshold > 0 {
		s.BurstThreshold = c.Burst.Threshold
	}
	if c.Burst.Window != "" {
		d, err := time.ParseDuration(c.Burst.Window)
		if err != nil || d <= 0 {
			return s, fmt.Errorf("%s: burst.window: %q is not a positive duration", c.file, c.Burst.Window)
		}
		s.BurstWindow = d
	}
	return s, nil
}

// ParsePrefixes parses CIDRs such as "10.244.0.0/16"; a bare address is a
// single-address prefix.
func parsePrefixes(cidrs []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not a CIDR or address", c)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ParsePrefixes parses CIDRs given on the command line.
func ParsePrefixes(cidrs []string) ([]netip.Prefix, error) { return parsePrefixes(cidrs) }

// InPrefixes reports whether addr (an IP, maybe with a zone) lies in one
// of prefixes.
func InPrefixes(addr string, prefixes []netip.Prefix) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// match is path.Match without the error (patterns are checked on load).
func match(pattern, s string) bool {
	ok, _ := path.Match(pattern, s)
	return ok
}

// matchAny reports whether s matches one of patterns.
func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}

// allows reports whether the entry drops rule's alert on ev.
func (e *AllowEntry) allows(rule string, ev *Event) bool {
	if len(e.Rules) > 0 && !matchAny(e.Rules, rule) {
		return false
	}
	if len(e.Users) > 0 && !matchAny(e.Users, ev.User.Username) {
		return false
	}
	if len(e.Groups) > 0 && !slices.ContainsFunc(ev.User.Groups, func(g string) bool { return matchAny(e.Groups, g) }) {
		return false
	}
	if len(e.Namespaces) > 0 && !matchAny(e.Namespaces, ev.Namespace()) {
		return false
	}
	if len(e.Images) > 0 {
		spec := ev.PodSpec()
		if spec == nil {
			return false
		}
		images := spec.Images()
		if len(images) == 0 {
			return false
		}
		for _, img := range images {
			if !matchAny(e.Images, img) {
				return false
			}
		}
	}
	return true
}
