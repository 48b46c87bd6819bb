package exception

import (
	"slices"
	"sync"
	"time"

	"github.com/landfall-dev/landfall/internal/posture"
)

// Options tune a Matcher.
type Options struct {
	// Now decides which config exceptions have expired.
	Now time.Time
	// NoAnnotations ignores ignore annotations on objects.
	NoAnnotations bool
}

// Status is what an exception did in a scan.
type Status string

// Statuses of an exception after a scan.
const (
	// StatusApplied means it suppressed at least one finding.
	StatusApplied Status = "applied"
	// StatusUnmatched means it matched no finding; it is probably stale.
	StatusUnmatched Status = "unmatched"
	// StatusExpired means it is past its expiry and suppressed nothing.
	StatusExpired Status = "expired"
	// StatusInvalid means it was not honoured, for example an annotation
	// without a reason.
	StatusInvalid Status = "invalid"
)

// Outcome is one exception and what it did.
type Outcome struct {
	// Source names the exception: "landfall.yaml: exceptions[0]" or
	// "<kind/namespace/name> metadata.annotations".
	Source string `json:"source"`
	// File and Line locate an annotated object; empty for config entries.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Checks are the check IDs or globs it names.
	Checks []string `json:"checks"`
	// Resource is the kind/namespace/name pattern or the annotated object.
	Resource string `json:"resource"`
	// Reason is the stated reason.
	Reason string `json:"reason,omitempty"`
	// Expires is the expiry as written, empty when it never expires.
	Expires string `json:"expires,omitempty"`
	// Status is what it did.
	Status Status `json:"status"`
	// Matched counts the findings it matched: suppressed when applied,
	// the ones it would have suppressed when expired.
	Matched int `json:"matched"`
	// Problem says why an invalid exception was not honoured.
	Problem string `json:"problem,omitempty"`
}

// Suppression says which exception suppressed a finding.
type Suppression struct {
	// By names the exception, as Outcome.Source.
	By string `json:"by"`
	// Reason is the exception's reason.
	Reason string `json:"reason"`
	// Annotation is true when an annotation in the manifest suppressed
	// the finding, false for a config file exception.
	Annotation bool `json:"annotation"`
}

// Matcher applies config and annotation exceptions to findings and counts
// what each exception did. It is safe for concurrent use, so that a
// loader's workers can Observe objects in parallel.
type Matcher struct {
	mu    sync.Mutex
	opts  Options
	rules []Rule
	hits  []int
	anns  map[objectKey]*annotated
	order []objectKey
}

// objectKey identifies one object in a scan; the source tells apart
// objects with the same reference in different files.
type objectKey struct {
	ref    posture.ObjectRef
	source posture.Source
}

type annotated struct {
	anns []Annotation
	hits []int
}

// NewMatcher returns a Matcher for the exceptions in cfg (nil for none).
func NewMatcher(cfg *Config, opts Options) *Matcher {
	m := &Matcher{opts: opts, anns: map[objectKey]*annotated{}}
	if cfg != nil {
		m.rules = cfg.Exceptions
		m.hits = make([]int, len(cfg.Exceptions))
	}
	return m
}

// Observe records the ignore annotations of an object; call it for every
// scanned object before matching its findings. Only annotated objects are
// kept.
func (m *Matcher) Observe(obj *posture.Object) {
	if m.opts.NoAnnotations {
		return
	}
	anns := FromObject(obj)
	if len(anns) == 0 {
		return
	}
	k := objectKey{ref: obj.Ref(), source: obj.Source}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.anns[k]; !dup {
		m.order = append(m.order, k)
	}
	m.anns[k] = &annotated{anns: anns, hits: make([]int, len(anns))}
}

// Match reports whether an exception covers f and which one. Annotations
// are tried first, then config exceptions in file order. Expired config
// exceptions never suppress, but are counted as matched.
func (m *Matcher) Match(f *posture.Finding) (Suppression, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a := m.anns[objectKey{ref: f.Object, source: f.Source}]; a != nil {
		for i, ann := range a.anns {
			if ann.Reason != "" && slices.Contains(ann.Checks, f.CheckID) {
				a.hits[i]++
				return Suppression{By: f.Object.String() + " " + ann.Field, Reason: ann.Reason, Annotation: true}, true
			}
		}
	}
	for i, r := range m.rules {
		if !r.Matches(f.CheckID, f.Object.Kind, f.Object.Namespace, f.Object.Name) {
			continue
		}
		m.hits[i]++
		if !r.Expired(m.opts.Now) {
			return Suppression{By: r.Field, Reason: r.Reason}, true
		}
	}
	return Suppression{}, false
}

// Outcomes lists every exception with what it did: config exceptions in
// file order, then annotations in the order their objects were observed.
func (m *Matcher) Outcomes() []Outcome {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Outcome
	for i, r := range m.rules {
		o := Outcome{
			Source:   r.Field,
			Checks:   r.Checks,
			Resource: r.Resource(),
			Reason:   r.Reason,
			Matched:  m.hits[i],
			Status:   status(m.hits[i]),
			Expires:  r.ExpiresText,
		}
		if r.Expired(m.opts.Now) {
			o.Status = StatusExpired
		}
		out = append(out, o)
	}
	for _, k := range m.order {
		a := m.anns[k]
		for i, ann := range a.anns {
			o := Outcome{
				Source:   k.ref.String() + " " + ann.Field,
				File:     k.source.File,
				Line:     k.source.Line,
				Checks:   ann.Checks,
				Resource: k.ref.String(),
				Reason:   ann.Reason,
				Matched:  a.hits[i],
				Status:   status(a.hits[i]),
			}
			switch {
			case ann.Reason == "":
				o.Status = StatusInvalid
				o.Problem = "no " + AnnotationIgnoreReason + " annotation"
			case len(ann.Checks) == 0:
				o.Status = StatusInvalid
				o.Problem = "no check IDs in " + AnnotationIgnore
			}
			out = append(out, o)
		}
	}
	return out
}

func status(hits int) Status {
	if hits > 0 {
		return StatusApplied
	}
	return StatusUnmatched
}
