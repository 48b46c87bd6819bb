package posture

import (
	"slices"
	"sync"
)

// Scan runs checks on a stream of objects without holding them all in
// memory. Add runs the checks that do not need the index at once and then
// drops the object; it keeps only
//
//   - the objects that the checks' Lookups ask for, whole or as light copies
//     (see Lighten), as the index for cross-object checks;
//   - the objects that checks with Lookups run on, until Finish.
//
// Memory thus grows with the number of RBAC roles and bindings, Services,
// Ingresses, Namespaces and the workloads a Lookup keeps, not with
// ConfigMaps, Secrets, most workloads or the size of pod specs.
type Scan struct {
	plan    *plan
	opts    RunOptions
	needIdx map[string]bool
	lookups map[string][]Lookup

	mu       sync.Mutex
	idx      *MemIndex
	deferred []*Object
	findings [][]Finding // one chunk per Add, joined by Finish
}

// NewScan starts a streaming scan with the checks of reg.
func NewScan(reg *Registry, opts RunOptions) *Scan {
	s := &Scan{plan: newPlan(reg), opts: opts, idx: newMemIndex(), needIdx: map[string]bool{}, lookups: map[string][]Lookup{}}
	for _, c := range reg.checks {
		if !c.NeedsIndex() {
			continue
		}
		for _, k := range c.Kinds {
			s.needIdx[k] = true
		}
		if len(c.Kinds) == 0 {
			s.needIdx[anyKind] = true
		}
		for _, l := range c.Lookups {
			for _, k := range l.Kinds {
				s.lookups[k] = append(s.lookups[k], l)
			}
		}
	}
	return s
}

// anyKind marks, in Scan.needIdx, a check with Lookups on every kind.
const anyKind = "*"

// findingBufs holds reusable buffers for the findings of one object.
var findingBufs = sync.Pool{New: func() any { return new([]Finding) }}

func localCheck(c *Check) bool { return !c.NeedsIndex() }

func indexCheck(c *Check) bool { return c.NeedsIndex() }

// indexCopy returns what the index keeps of o: o itself, a light copy, or
// nil when no Lookup asks for it.
func (s *Scan) indexCopy(o *Object, kind string) *Object {
	var whole, light bool
	for _, l := range s.lookups[kind] {
		if l.Keep != nil && !l.Keep(o) {
			continue
		}
		if l.Light {
			light = true
		} else {
			whole = true
		}
	}
	switch {
	case whole:
		return o
	case light:
		return Lighten(o)
	}
	return nil
}

// Add scans one object. It is safe for concurrent use; the caller must not
// change the object afterwards.
func (s *Scan) Add(o *Object) {
	kind := o.U.GetKind()
	keep := s.indexCopy(o, kind)
	buf := findingBufs.Get().(*[]Finding)
	*buf = runChecks((*buf)[:0], s.plan.checksFor(kind, localCheck), o, s.idx.readOnly(&s.mu))
	found := slices.Clone(*buf) // exact size; the buffer is reused
	clear(*buf)
	findingBufs.Put(buf)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.idx.noteNamespace(o)
	if keep != nil {
		s.idx.add(keep)
	}
	if s.needIdx[kind] || s.needIdx[anyKind] {
		s.deferred = append(s.deferred, o)
	}
	if len(found) > 0 {
		s.findings = append(s.findings, found)
	}
}

// Finish runs the deferred cross-object checks and returns every finding,
// sorted by SortFindings. The Scan must not be used afterwards.
func (s *Scan) Finish() []Finding {
	s.mu.Lock()
	defer s.mu.Unlock()
	synth := s.idx.synthesizeNamespaces()
	idx := s.idx
	out := parallel(s.deferred, s.opts.workers(), func(out []Finding, o *Object) []Finding {
		return runChecks(out, s.plan.checksFor(o.U.GetKind(), indexCheck), o, idx)
	})
	for _, o := range synth {
		out = runChecks(out, s.plan.checksFor("Namespace", nil), o, idx)
	}
	s.deferred = nil
	all := slices.Concat(append(s.findings, out)...)
	s.findings = nil
	return SortFindings(all)
}

// lockedIndex guards reads of an index that a Scan is still filling.
type lockedIndex struct {
	mu  *sync.Mutex
	idx *MemIndex
}

func (x *MemIndex) readOnly(mu *sync.Mutex) Index { return lockedIndex{mu: mu, idx: x} }

// ByKind implements Index.
func (l lockedIndex) ByKind(kind string) []*Object {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.idx.ByKind(kind)
}

// InNamespace implements Index.
func (l lockedIndex) InNamespace(kind, namespace string) []*Object {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.idx.InNamespace(kind, namespace)
}

// Get implements Index.
func (l lockedIndex) Get(kind, namespace, name string) *Object {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.idx.Get(kind, namespace, name)
}
