package exception

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Config is a parsed exceptions config file.
type Config struct {
	// File is the name the config was read from, used in messages.
	File string
	// Exceptions are the entries under "exceptions", in file order.
	Exceptions []Rule
}

// Rule is one exception from a config file.
type Rule struct {
	// Field names the entry in its file, for example
	// "landfall.yaml: exceptions[2]".
	Field string
	// Checks are check IDs or path.Match globs of check IDs.
	Checks []string
	// Kind, Namespace and Name are path.Match globs; empty matches all.
	Kind, Namespace, Name string
	// Reason says why the finding is accepted.
	Reason string
	// Expires is when the exception stops applying; zero means never.
	Expires time.Time
	// ExpiresText is the expiry as written in the file.
	ExpiresText string
}

// Resource renders the rule's resource patterns as kind/namespace/name,
// with "*" for empty fields.
func (r Rule) Resource() string {
	return orStar(r.Kind) + "/" + orStar(r.Namespace) + "/" + orStar(r.Name)
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// Expired reports whether the rule has expired at now.
func (r Rule) Expired(now time.Time) bool {
	return !r.Expires.IsZero() && !now.Before(r.Expires)
}

// Matches reports whether the rule covers a finding of check on the object
// of kind, namespace and name. It ignores expiry.
func (r Rule) Matches(check, kind, namespace, name string) bool {
	return matchAny(r.Checks, check) && glob(r.Kind, kind) && glob(r.Namespace, namespace) && glob(r.Name, name)
}

func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if glob(p, s) {
			return true
		}
	}
	return false
}

// glob matches s against a path.Match pattern; an empty pattern matches
// everything. Patterns are validated by Parse, so an error means no match.
func glob(pattern, s string) bool {
	if pattern == "" {
		return true
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// Load reads and parses a config file.
func Load(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading exceptions config: %w", err)
	}
	return Parse(file, data)
}

// Parse parses a config file's content. name is used in error messages.
// Every problem is reported, joined, each as "<name>: <field>: <problem>".
func Parse(name string, data []byte) (*Config, error) {
	cfg := &Config{File: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return cfg, nil // empty file: no exceptions
	}
	p := parser{file: name}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errorf("(root)", "must be a mapping")
		return nil, p.err()
	}
	for k, v := range pairs(root) {
		switch k.Value {
		case "exceptions":
			cfg.Exceptions = p.rules(v)
		default:
			p.errorf(k.Value, "unknown field")
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Validate reports exceptions that name no known check, so that a typo in
// a check ID fails instead of silently accepting nothing.
func (c *Config) Validate(knownChecks []string) error {
	var errs []error
	for _, r := range c.Exceptions {
		for i, pat := range r.Checks {
			if !anyMatches(pat, knownChecks) {
				errs = append(errs, fmt.Errorf("%s.checks[%d]: %q matches no check", r.Field, i, pat))
			}
		}
	}
	return errors.Join(errs...)
}

func anyMatches(pattern string, ids []string) bool {
	for _, id := range ids {
		if glob(pattern, id) {
			return true
		}
	}
	return false
}

// parser collects errors while walking the YAML tree.
type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(field, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s: %s", p.file, field, fmt.Sprintf(format, args...)))
}

func (p *parser) err() error { return errors.Join(p.errs...) }

func (p *parser) rules(n *yaml.Node) []Rule {
	if n.Kind != yaml.SequenceNode {
		p.errorf("exceptions", "must be a list")
		return nil
	}
	rules := make([]Rule, 0, len(n.Content))
	for i, item := range n.Content {
		field := fmt.Sprintf("exceptions[%d]", i)
		if r, ok := p.rule(field, item); ok {
			rules = append(rules, r)
		}
	}
	return rules
}

func (p *parser) rule(field string, n *yaml.Node) (Rule, bool) {
	r := Rule{Field: p.file + ": " + field}
	if n.Kind != yaml.MappingNode {
		p.errorf(field, "must be a mapping")
		return r, false
	}
	before := len(p.errs)
	for k, v := range pairs(n) {
		f := field + "." + k.Value
		switch k.Value {
		case "checks":
			r.Checks = p.checks(f, v)
		case "resource":
			p.resource(f, v, &r)
		case "reason":
			r.Reason = strings.TrimSpace(p.scalar(f, v))
		case "expires":
			r.ExpiresText = strings.TrimSpace(p.scalar(f, v))
			r.Expires = p.expiry(f, r.ExpiresText)
		default:
			p.errorf(f, "unknown field")
		}
	}
	if len(r.Checks) == 0 {
		p.errorf(field+".checks", "required")
	}
	if r.Reason == "" {
		p.errorf(field+".reason", "required")
	}
	return r, len(p.errs) == before
}

func (p *parser) checks(field string, n *yaml.Node) []string {
	if n.Kind != yaml.SequenceNode {
		p.errorf(field, "must be a list of check IDs")
		return nil
	}
	var ids []string
	for i, c := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		id := strings.TrimSpace(p.scalar(f, c))
		if id == "" {
			p.errorf(f, "empty check ID")
			continue
		}
		p.pattern(f, id)
		ids = append(ids, id)
	}
	return ids
}

func (p *parser) resource(field string, n *yaml.Node, r *Rule) {
	if n.Kind != yaml.MappingNode {
		p.errorf(field, "must be a mapping with kind, namespace and name")
		return
	}
	for k, v := range pairs(n) {
		f := field + "." + k.Value
		var dst *string
		switch k.Value {
		case "kind":
			dst = &r.Kind
		case "namespace":
			dst = &r.Namespace
		case "name":
			dst = &r.Name
		default:
			p.errorf(f, "unknown field")
			continue
		}
		*dst = strings.TrimSpace(p.scalar(f, v))
		p.pattern(f, *dst)
	}
}

func (p *parser) pattern(field, pat string) {
	if _, err := path.Match(pat, ""); err != nil {
		p.errorf(field, "bad pattern %q", pat)
	}
}

func (p *parser) scalar(field string, n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(field, "must be a string")
		return ""
	}
	return n.Value
}

func (p *parser) expiry(field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.AddDate(0, 0, 1) // applies through that day, UTC
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	p.errorf(field, "%q is not a date (YYYY-MM-DD) or RFC 3339 time", s)
	return time.Time{}
}

// pairs yields the key and value nodes of a mapping node.
func pairs(n *yaml.Node) func(yield func(k, v *yaml.Node) bool) {
	return func(yield func(k, v *yaml.Node) bool) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}
