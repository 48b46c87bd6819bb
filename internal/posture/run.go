package posture

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// RunOptions tune Run and Scan.
type RunOptions struct {
	// Workers is the number of goroutines that run checks; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

func (o RunOptions) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// plan maps object kinds to the checks that run on them.
type plan struct {
	byKind map[string][]*Check
	any    []*Check
}

func newPlan(reg *Registry) *plan {
	p := &plan{byKind: map[string][]*Check{}}
	for i := range reg.checks {
		c := &reg.checks[i]
		if len(c.Kinds) == 0 {
			p.any = append(p.any, c)
			continue
		}
		for _, k := range c.Kinds {
			p.byKind[k] = append(p.byKind[k], c)
		}
	}
	return p
}

// checksFor returns the checks for a kind, all of them or only those with
// the given NeedsIndex result.
func (p *plan) checksFor(kind string, filter func(*Check) bool) []*Check {
	var out []*Check
	for _, list := range [][]*Check{p.byKind[kind], p.any} {
		for _, c := range list {
			if filter == nil || filter(c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// runChecks runs the checks on one object and appends the findings.
func runChecks(out []Finding, checks []*Check, o *Object, idx Index) []Finding {
	if len(checks) == 0 {
		return out
	}
	ref := o.Ref()
	for _, c := range checks {
		for _, v := range safeRun(c, o, idx) {
			out = append(out, Finding{
				ID:          FindingID(c.ID, ref, v.Path),
				CheckID:     c.ID,
				Title:       c.Title,
				Severity:    c.Severity,
				Techniques:  c.Techniques,
				Object:      ref,
				Source:      o.Source,
				Path:        v.Path,
				Message:     v.Message,
				Remediation: c.Remediation,
			})
		}
	}
	return out
}

// safeRun runs one check and turns a panic into a violation, so that one
// faulty check on one odd object cannot end a scan.
func safeRun(c *Check, o *Object, idx Index) (vs []Violation) {
	defer func() {
		if r := recover(); r != nil {
			vs = []Violation{{Message: fmt.Sprintf("check %s failed on this object: %v", c.ID, r)}}
		}
	}()
	return c.Run(o, idx)
}

// Run runs every check of the registry on the objects of its Kinds, with an
// index of all the objects, on opts.Workers goroutines. Namespaces that
// objects live in without a Namespace manifest are synthesized (see
// SynthesizedAnnotation) so that namespace checks cover them. The findings
// are sorted by SortFindings.
func Run(reg *Registry, objects []*Object, opts RunOptions) []Finding {
	idx := NewIndex(objects)
	all := append(slices.Clip(objects), idx.synthesizeNamespaces()...)
	p := newPlan(reg)
	return SortFindings(parallel(all, opts.workers(), func(out []Finding, o *Object) []Finding {
		return runChecks(out, p.checksFor(o.U.GetKind(), nil), o, idx)
	}))
}

// parallel applies fn to the objects on n goroutines, each taking the next
// chunk of objects, and concatenates their results.
func parallel(objects []*Object, n int, fn func([]Finding, *Object) []Finding) []Finding {
	const chunk = 64
	if n < 1 {
		n = 1
	}
	var (
		mu   sync.Mutex
		next int
		out  []Finding
		wg   sync.WaitGroup
	)
	for range n {
		wg.Go(func() {
			var local []Finding
			for {
				mu.Lock()
				start := next
				next += chunk
				mu.Unlock()
				if start >= len(objects) {
					break
				}
				for _, o := range objects[start:min(start+chunk, len(objects))] {
					local = fn(local, o)
				}
			}
			mu.Lock()
			out = append(out, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// SortFindings sorts findings in place by file, line, check, object and
// path (then message) and returns them.
func SortFindings(fs []Finding) []Finding {
	// Sort indexes, not the large Finding values, then permute once.
	order := make([]int32, len(fs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int { return compareFindings(&fs[i], &fs[j]) })
	sorted := make([]Finding, len(fs))
	for i, k := range order {
		sorted[i] = fs[k]
	}
	copy(fs, sorted)
	return fs
}

// compareFindings orders two findings, comparing only as many fields as it
// takes.
func compareFindings(a, b *Finding) int {
	if c := strings.Compare(a.Source.File, b.Source.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Source.Line, b.Source.Line); c != 0 {
		return c
	}
	if c := strings.Compare(a.CheckID, b.CheckID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Object.Kind, b.Object.Kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.Object.Namespace, b.Object.Namespace); c != 0 {
		return c
	}
	if c := strings.Compare(a.Object.Name, b.Object.Name); c != 0 {
		return c
	}
	if c := strings.Compare(a.Path, b.Path); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}
