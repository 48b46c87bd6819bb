package live

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/landfall-dev/landfall/internal/posture"
)

// Defaults of Options.
const (
	// DefaultPageSize is the Limit of each LIST call.
	DefaultPageSize = 500
	// DefaultConcurrency is the number of LISTs in flight.
	DefaultConcurrency = 6
)

// Options configure Scan.
type Options struct {
	// Namespace limits the scan to one namespace; empty scans all.
	Namespace string
	// Selector is a label selector applied to every LIST. Cross-object
	// checks then see only the selected objects.
	Selector string
	// Cluster names the cluster in the objects' Source; empty means the
	// server URL.
	Cluster string
	// PageSize is the Limit of each LIST; 0 means DefaultPageSize.
	PageSize int64
	// Concurrency bounds the LISTs in flight; 0 means DefaultConcurrency.
	Concurrency int
	// Run tunes the checks.
	Run posture.RunOptions
	// OnObject, when set, sees every object before it is scanned, for
	// example to observe exception annotations or count progress. It is
	// called from several goroutines at once and must not change the
	// object.
	OnObject func(*posture.Object)
}

// Result is what a live scan found and how much it could see.
type Result struct {
	// Findings are the findings of the checks, sorted by
	// posture.SortFindings, without the dropped ones (see the package
	// comment).
	Findings []posture.Finding
	// Objects counts the objects scanned.
	Objects int
	// Completeness says which kinds were assessed.
	Completeness Completeness
	// DefaultFindings counts the findings left out because they are on
	// the API server's unchanged default RBAC objects (see the package
	// comment).
	DefaultFindings int
}

// Scan lists the objects the checks of reg need from the cluster cfg points
// at and runs the checks on them. An error means the scan could not run at
// all (no discovery); kinds that cannot be listed are reported in the
// Result instead.
func Scan(ctx context.Context, cfg *rest.Config, reg *posture.Registry, opts Options) (*Result, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 && cfg.RateLimiter == nil {
		// client-go's default of 5 requests a second would make the pages
		// of a large cluster wait on the client rather than the server;
		// Concurrency bounds the load instead.
		cfg.QPS, cfg.Burst = 100, 200
	}
	p, err := newRESTPager(cfg)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating discovery client: %w", err)
	}
	if opts.Cluster == "" {
		opts.Cluster = cfg.Host
	}
	return scan(ctx, p, dc, reg, opts)
}

// ScanWith is Scan with given clients; opts.Cluster is used as it is.
// It returns an error only when discovery fails or ctx ends.
func ScanWith(ctx context.Context, dyn dynamic.Interface, dc discovery.DiscoveryInterface, reg *posture.Registry, opts Options) (*Result, error) {
	return scan(ctx, dynamicPager{dyn: dyn}, dc, reg, opts)
}

// scan is Scan and ScanWith, reading pages with p.
func scan(ctx context.Context, p pager, dc discovery.DiscoveryInterface, reg *posture.Registry, opts Options) (*Result, error) {
	kinds := NeededKinds(reg)
	lists, err := discover(dc)
	if err != nil {
		return nil, err
	}
	resolved, _ := resolveKinds(lists, kinds)
	s := &scanner{opts: opts, scan: posture.NewScan(reg, opts.Run), owners: map[key]key{}, defaults: map[key]struct{}{}}
	statuses := make([]KindStatus, len(kinds))
	var jobs []int
	for i, k := range kinds {
		r, ok := resolved[k]
		if !ok {
			statuses[i] = KindStatus{Kind: k, State: StateNotServed}
			continue
		}
		statuses[i] = KindStatus{Kind: k, Resource: resourceName(r), Namespaced: r.Namespaced}
		if !r.Namespaced && opts.Namespace != "" && k != "Namespace" && k != "ClusterRole" {
			statuses[i].State = StateSkipped
			continue
		}
		jobs = append(jobs, i)
	}

	sem := make(chan struct{}, cmpOr(opts.Concurrency, DefaultConcurrency))
	var wg sync.WaitGroup
	for _, i := range jobs {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				statuses[i].State, statuses[i].Error = StateFailed, ctx.Err().Error()
				return
			}
			defer func() { <-sem }()
			n, err := s.list(ctx, p, resolved[kinds[i]])
			statuses[i].Listed = n
			switch {
			case err == nil:
				statuses[i].State = StateAssessed
			case apierrors.IsForbidden(err):
				statuses[i].State = StateForbidden
			default:
				statuses[i].State, statuses[i].Error = StateFailed, err.Error()
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("listing objects: %w", err)
	}

	res := &Result{Completeness: Completeness{Cluster: opts.Cluster, Namespace: opts.Namespace, Kinds: statuses}}
	for _, st := range statuses {
		res.Objects += st.Listed // a kind that failed half-way was scanned as far as it was read
		switch st.State {
		case StateAssessed:
			res.Completeness.Needed++
			res.Completeness.Assessed++
		case StateForbidden, StateFailed:
			res.Completeness.Needed++
		}
	}
	findings := s.scan.Finish()
	findings, res.Completeness.ChecksNotAssessed = dropUnreliable(findings, reg, statuses)
	findings = s.dropOutOfScope(findings, namespacesRead(statuses))
	res.Findings = slices.DeleteFunc(findings, func(f posture.Finding) bool {
		_, def := s.defaults[key{f.Object.Kind, f.Object.Namespace, f.Object.Name}]
		if def && !subjectChecks[f.CheckID] {
			res.DefaultFindings++
			return true
		}
		return false
	})
	return res, nil
}

// namespacesRead reports whether the Namespace kind was listed.
func namespacesRead(statuses []KindStatus) bool {
	for _, st := range statuses {
		if st.Kind == "Namespace" {
			return st.State == StateAssessed
		}
	}
	return false
}

// resourceName renders resource.group/version, or resource/version for the
// core group.
func resourceName(r resource) string {
	name := r.GVR.Resource
	if r.GVR.Group != "" {
		name += "." + r.GVR.Group
	}
	return name + "/" + r.GVR.Version
}

func cmpOr(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// key identifies an object for the owner chain.
type key struct{ kind, namespace, name string }

// scanner holds the state of one live scan.
type scanner struct {
	opts Options
	scan *posture.Scan

	mu       sync.Mutex
	owners   map[key]key      // controller owner of each owned object
	defaults map[key]struct{} // see isUnchangedDefault
}

// list reads every page of one resource and scans the objects; it returns
// the number of objects read.
func (s *scanner) list(ctx context.Context, p pager, r resource) (int, error) {
	ns, field := "", ""
	switch {
	case r.Namespaced && s.opts.Namespace != "":
		ns = s.opts.Namespace
	case r.Kind == "Namespace" && s.opts.Namespace != "":
		field = "metadata.name=" + s.opts.Namespace
	}
	lo := listOptions(s.opts.Selector, field, cmpOr64(s.opts.PageSize, DefaultPageSize))
	next := p.pages(r, ns)
	apiVersion := r.GVR.GroupVersion().String()
	n := 0
	add := func(obj map[string]any) {
		obj["apiVersion"], obj["kind"] = apiVersion, r.Kind
		s.add(&unstructured.Unstructured{Object: obj})
		n++
	}
	for {
		cont, err := next(ctx, lo, add)
		if err != nil {
			return n, fmt.Errorf("listing %s: %w", resourceName(r), err)
		}
		if cont == "" {
			return n, nil
		}
		lo.Continue = cont
	}
}

func cmpOr64(n, def int64) int64 {
	if n > 0 {
		return n
	}
	return def
}

// add scans an object (stripped by the pager).
func (s *scanner) add(u *unstructured.Unstructured) {
	k := key{u.GetKind(), u.GetNamespace(), u.GetName()}
	if ref := controllerOf(u); ref != nil {
		s.mu.Lock()
		s.owners[k] = key{ref.Kind, u.GetNamespace(), ref.Name}
		s.mu.Unlock()
	}
	if isUnchangedDefault(u) {
		s.mu.Lock()
		s.defaults[k] = struct{}{}
		s.mu.Unlock()
	}
	o := &posture.Object{U: u, Source: posture.Source{Cluster: s.opts.Cluster}}
	if s.opts.OnObject != nil {
		s.opts.OnObject(o)
	}
	s.scan.Add(o)
}

// controllerOf returns the owner reference marked as controller, if any.
func controllerOf(u *unstructured.Unstructured) *ownerRef {
	for _, r := range u.GetOwnerReferences() {
		if r.Controller != nil && *r.Controller {
			return &ownerRef{Kind: r.Kind, Name: r.Name}
		}
	}
	return nil
}

type ownerRef struct{ Kind, Name string }

// dropUnreliable drops the findings of checks that look up a kind that was
// not assessed, and returns those checks.
func dropUnreliable(fs []posture.Finding, reg *posture.Registry, statuses []KindStatus) ([]posture.Finding, []CheckStatus) {
	missing := map[string]bool{}
	for _, st := range statuses {
		if st.State == StateForbidden || st.State == StateFailed || st.State == StateSkipped {
			missing[st.Kind] = true
		}
	}
	drop := map[string]bool{}
	var out []CheckStatus
	for _, c := range reg.All() {
		var kinds []string
		for _, l := range c.Lookups {
			for _, k := range l.Kinds {
				if missing[k] && !slices.Contains(kinds, k) {
					kinds = append(kinds, k)
				}
			}
		}
		if len(kinds) > 0 {
			drop[c.ID] = true
			slices.Sort(kinds)
			out = append(out, CheckStatus{ID: c.ID, Reason: "looks up " + strings.Join(kinds, ", ") + ", not assessed"})
		}
	}
	if len(drop) == 0 {
		return fs, out
	}
	return slices.DeleteFunc(fs, func(f posture.Finding) bool { return drop[f.CheckID] }), out
}

// dropOutOfScope drops findings on cluster-scoped objects listed only as
// lookups in a namespace scan, and findings repeated down a controller
// chain (Deployment → ReplicaSet → Pod).
// Unless Namespaces were read, the Namespace objects the engine
// synthesizes for the namespaces objects live in lack their labels, so
// findings on them are dropped too.
func (s *scanner) dropOutOfScope(fs []posture.Finding, nsRead bool) []posture.Finding {
	type checkAt struct {
		check string
		at    key
	}
	has := make(map[checkAt]bool, len(fs))
	for _, f := range fs {
		has[checkAt{f.CheckID, key{f.Object.Kind, f.Object.Namespace, f.Object.Name}}] = true
	}
	return slices.DeleteFunc(fs, func(f posture.Finding) bool {
		if ns := s.opts.Namespace; ns != "" && f.Object.Namespace == "" && (f.Object.Kind != "Namespace" || f.Object.Name != ns) {
			return true
		}
		if f.Object.Kind == "Namespace" && !nsRead {
			return true
		}
		at := key{f.Object.Kind, f.Object.Namespace, f.Object.Name}
		for range 8 { // owner chains are short; the bound guards against cycles
			owner, ok := s.owners[at]
			if !ok {
				return false
			}
			if has[checkAt{f.CheckID, owner}] {
				return true
			}
			at = owner
		}
		return false
	})
}
