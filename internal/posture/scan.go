package posture

import (
	"slices"
	"sync"
)

// Scan runs checks on a stream of objects without holding them all in
// memory. Add runs the checks that do not need the index at once and then
// drops the object; it keeps only
//
//   - the kinds in IndexKinds, whole, and light copies (see Lighten) of
//     workloads, as the index for cross-object checks;
//   - the objects that checks with NeedsIndex run on, until Finish.
//
// The trade-off: memory grows with the number of RBAC objects, Services,
// Ingresses, NetworkPolicies, Namespaces, quotas and workloads (light), not
// with ConfigMaps, Secrets or the size of pod specs; and a cross-object check
// can read only what the light index keeps (workload labels, container
// names, images and ports).
type Scan struct {
	plan    *plan
	opts    RunOptions
	needIdx map[string]bool

	mu       sync.Mutex
	idx      *MemIndex
	deferred []*Object
	findings [][]Finding // one chunk per Add, joined by Finish
}

// NewScan starts a streaming scan with the checks of reg.
func NewScan(reg *Registry, opts RunOptions) *Scan {
	s := &Scan{plan: newPlan(reg), opts: opts, idx: newMemIndex(), needIdx: map[string]bool{}}
	for _, c := range reg.checks {
		if c.NeedsIndex {
			for _, k := range c.Kinds {
				s.needIdx[k] = true
			}
		}
	}
	return s
}

// findingBufs holds reusable buffers for the findings of one object.
var findingBufs = sync.Pool{New: func() any { return new([]Finding) }}

func localCheck(c *Check) bool { return !c.NeedsIndex }

func indexCheck(c *Check) bool { return c.NeedsIndex }

// Add scans one object. It is safe for concurrent use; the caller must not
// change the object afterwards.
func (s *Scan) Add(o *Object) {
	kind := o.U.GetKind()
	var light *Object
	if !IndexKinds[kind] {
		if _, ok := podTemplatePaths[kind]; ok {
			light = Lighten(o)
		}
	}
	buf := findingBufs.Get().(*[]Finding)
	*buf = runChecks((*buf)[:0], s.plan.checksFor(kind, localCheck), o, s.idx.readOnly(&s.mu))
	found := slices.Clone(*buf) // exact size; the buffer is reused
	clear(*buf)
	findingBufs.Put(buf)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.idx.noteNamespace(o)
	switch {
	case IndexKinds[kind]:
		s.idx.add(o)
	case light != nil:
		s.idx.add(light)
	}
	if s.needIdx[kind] || anyNeedsIndex(s.plan.any) {
		s.deferred = append(s.deferred, o)
	}
	if len(found) > 0 {
		s.findings = append(s.findings, found)
	}
}

func anyNeedsIndex(cs []*Check) bool {
	for _, c := range cs {
		if c.NeedsIndex {
			return true
		}
	}
	return false
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
