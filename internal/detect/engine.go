package detect

import (
	"fmt"
	"slices"
	"time"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// Options configure an Engine.
type Options struct {
	// Config is the allow-list and the rule settings; nil means none and
	// DefaultSettings.
	Config *Config
	// Settings, when non-nil, replace the settings of Config (the command
	// line's flags merged over the file).
	Settings *Settings
	// MinSeverity drops alerts below it; 0 keeps all.
	MinSeverity posture.Severity
	// MaxBurstKeys bounds the burst rules' state: how many users are
	// tracked at once per rule; 0 means 10,000. The least recently active
	// are forgotten first.
	MaxBurstKeys int
}

// Stats count what an Engine has seen.
type Stats struct {
	// Events is the number of events processed.
	Events int64 `json:"events"`
	// Evaluated is the number of events the rules ran on (one stage per
	// request).
	Evaluated int64 `json:"evaluated"`
	// Alerts is the number of alerts raised, after the allow-list.
	Alerts int64 `json:"alerts"`
	// Allowed is the number of alerts the allow-list dropped.
	Allowed int64 `json:"allowed"`
	// ByRule counts alerts per rule ID.
	ByRule map[string]int64 `json:"byRule"`
}

// Engine runs every rule of a registry over a stream of audit events. It
// is not safe for concurrent use: feed it from one goroutine, or lock.
// Its memory is bounded: the burst rules keep at most MaxBurstKeys users
// per rule, each with at most BurstThreshold timestamps, and the stage
// de-duplication remembers at most a few thousand audit IDs.
type Engine struct {
	rules    []compiled
	settings Settings
	allow    []AllowEntry
	min      posture.Severity
	seen     *idRing
	stats    Stats
}

// compiled is a rule with what the engine derives from it once.
type compiled struct {
	Rule
	tactics []string
	burst   *burstState
}

// NewEngine returns an engine running the rules of reg.
func NewEngine(reg *Registry, opts Options) (*Engine, error) {
	settings, err := opts.Config.Settings()
	if err != nil {
		return nil, err
	}
	if opts.Settings != nil {
		settings = *opts.Settings
	}
	if settings.BurstThreshold <= 0 || settings.BurstWindow <= 0 {
		return nil, fmt.Errorf("burst threshold and window must be positive, got %d and %s", settings.BurstThreshold, settings.BurstWindow)
	}
	if opts.Config != nil {
		if err := opts.Config.Validate(reg.IDs()); err != nil {
			return nil, err
		}
	}
	maxKeys := opts.MaxBurstKeys
	if maxKeys <= 0 {
		maxKeys = 10000
	}
	e := &Engine{settings: settings, min: opts.MinSeverity, seen: newIDRing(4096), stats: Stats{ByRule: map[string]int64{}}}
	if opts.Config != nil {
		e.allow = opts.Config.Allow
	}
	for _, r := range reg.All() {
		c := compiled{Rule: r, tactics: r.Tactics()}
		if r.Burst {
			c.burst = newBurstState(settings.BurstThreshold, settings.BurstWindow, maxKeys)
		}
		e.rules = append(e.rules, c)
		e.stats.ByRule[r.ID] = 0
	}
	return e, nil
}

// Settings returns the engine's rule settings.
func (e *Engine) Settings() Settings { return e.settings }

// Stats returns a copy of the engine's counters.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.ByRule = make(map[string]int64, len(e.stats.ByRule))
	for k, v := range e.stats.ByRule {
		s.ByRule[k] = v
	}
	return s
}

// Process runs the rules on one event and appends its alerts to dst.
// pos says where the event was read; it becomes the alerts' Source.
//
// A request is evaluated once: at its first ResponseStarted event (watches
// and upgraded connections such as exec) or else at ResponseComplete (or
// Panic); RequestReceived events are skipped, since they carry no response
// status.
func (e *Engine) Process(dst []Alert, ev *Event, pos Position) []Alert {
	e.stats.Events++
	switch ev.Stage {
	case "RequestReceived":
		return dst
	case "ResponseStarted":
		e.seen.add(ev.AuditID)
	case "ResponseComplete", "Panic":
		if ev.AuditID != "" && e.seen.has(ev.AuditID) {
			return dst
		}
	}
	e.stats.Evaluated++
	for i := range e.rules {
		r := &e.rules[i]
		if r.Severity < e.min {
			continue
		}
		msg, ok := r.Match(ev, &e.settings)
		if !ok {
			continue
		}
		if e.allowed(r.ID, ev) {
			e.stats.Allowed++
			continue
		}
		if r.burst != nil {
			n, fire := r.burst.hit(ev.User.Username, ev.Time())
			if !fire {
				continue
			}
			msg = fmt.Sprintf("%s: %d times within %s", msg, n, e.settings.BurstWindow)
		}
		e.stats.Alerts++
		e.stats.ByRule[r.ID]++
		dst = append(dst, newAlert(&r.Rule, r.tactics, ev, msg, pos.String()))
	}
	return dst
}

// allowed reports whether an allow-list entry drops rule's alert on ev.
func (e *Engine) allowed(rule string, ev *Event) bool {
	for i := range e.allow {
		if e.allow[i].allows(rule, ev) {
			return true
		}
	}
	return false
}

// burstState counts the hits of one burst rule per user in a sliding
// window, for at most maxKeys users.
type burstState struct {
	threshold int
	window    time.Duration
	maxKeys   int
	users     map[string]*burstUser
}

// burstUser holds one user's recent hits, oldest first.
type burstUser struct {
	hits []time.Time
	last time.Time
}

func newBurstState(threshold int, window time.Duration, maxKeys int) *burstState {
	return &burstState{threshold: threshold, window: window, maxKeys: maxKeys, users: map[string]*burstUser{}}
}

// hit records a hit by user at t and reports whether it completes a burst,
// with the number of hits in the window. After a burst the user's count
// starts again, so a long deletion spree alerts once per threshold hits.
func (b *burstState) hit(user string, t time.Time) (int, bool) {
	u := b.users[user]
	if u == nil {
		if len(b.users) >= b.maxKeys {
			b.evict(t)
		}
		u = &burstUser{hits: make([]time.Time, 0, b.threshold)}
		b.users[user] = u
	}
	cutoff := t.Add(-b.window)
	drop := 0
	for drop < len(u.hits) && u.hits[drop].Before(cutoff) {
		drop++
	}
	u.hits = append(u.hits[:0], u.hits[drop:]...)
	u.hits = append(u.hits, t)
	if t.After(u.last) {
		u.last = t
	}
	if len(u.hits) >= b.threshold {
		n := len(u.hits)
		u.hits = u.hits[:0]
		return n, true
	}
	return len(u.hits), false
}

// evict forgets users idle for longer than the window, and when that is
// not enough, the least recently active half.
func (b *burstState) evict(now time.Time) {
	cutoff := now.Add(-b.window)
	for k, u := range b.users {
		if u.last.Before(cutoff) {
			delete(b.users, k)
		}
	}
	if len(b.users) < b.maxKeys {
		return
	}
	type kv struct {
		k    string
		last time.Time
	}
	all := make([]kv, 0, len(b.users))
	for k, u := range b.users {
		all = append(all, kv{k, u.last})
	}
	slices.SortFunc(all, func(a, b kv) int { return a.last.Compare(b.last) })
	for _, x := range all[:len(all)/2+1] {
		delete(b.users, x.k)
	}
}

// idRing remembers the last n audit IDs added.
type idRing struct {
	ids  []string
	next int
	set  map[string]struct{}
}

func newIDRing(n int) *idRing {
	return &idRing{ids: make([]string, n), set: make(map[string]struct{}, n)}
}

func (r *idRing) add(id string) {
	if id == "" {
		return
	}
	if _, ok := r.set[id]; ok {
		return
	}
	if old := r.ids[r.next]; old != "" {
		delete(r.set, old)
	}
	r.ids[r.next] = id
	r.set[id] = struct{}{}
	r.next = (r.next + 1) % len(r.ids)
}

func (r *idRing) has(id string) bool {
	_, ok := r.set[id]
	return ok
}

// TacticSummary counts the alerts of one tactic.
type TacticSummary struct {
	// Tactic is the tactic's ID.
	Tactic string `json:"tactic"`
	// Name is the tactic's name.
	Name string `json:"name"`
	// Alerts is the number of alerts with a technique of the tactic.
	Alerts int64 `json:"alerts"`
	// Rules are the IDs of the rules that fired, sorted.
	Rules []string `json:"rules"`
}

// Summary counts the engine's alerts per tactic, in matrix order; tactics
// without alerts are left out. An alert counts once for each tactic of its
// techniques.
func (e *Engine) Summary() []TacticSummary {
	var out []TacticSummary
	for _, t := range threatmatrix.Tactics() {
		s := TacticSummary{Tactic: t.ID, Name: t.Name}
		for _, r := range e.rules {
			n := e.stats.ByRule[r.ID]
			if n == 0 || !slices.Contains(r.tactics, t.ID) {
				continue
			}
			s.Alerts += n
			s.Rules = append(s.Rules, r.ID)
		}
		if s.Alerts > 0 {
			out = append(out, s)
		}
	}
	return out
}
