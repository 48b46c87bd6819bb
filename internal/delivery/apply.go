package delivery

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	ssaerrors "github.com/fluxcd/pkg/ssa/errors"
	"github.com/fluxcd/pkg/ssa/normalize"
	ssautils "github.com/fluxcd/pkg/ssa/utils"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// Defaults of ApplierOptions and ApplyOptions.
const (
	DefaultConcurrency = 8
	DefaultQPS         = 100
	DefaultBurst       = 200
	DefaultTimeout     = 5 * time.Minute
)

// Applier applies objects to one cluster as one identity (the rest.Config
// it was built with). It keeps, per object, what it last applied and the
// state of the live object afterwards (see liveState), so that a resync of
// unchanged objects sends no dry-run and no write: only one metadata list
// per kind and namespace. An Applier is safe for concurrent use.
//
// The apply loop is Landfall's own, built from fluxcd/pkg/ssa's parts
// (normalisation, staging, drift comparison, immutable-field detection,
// Secret masking): ssa's ApplyAll stops at the first failing object and
// writes nothing, where Landfall reports every failing object (the API
// server's answer, for example a 403 to an impersonated tenant) and
// applies the others.
type Applier struct {
	client      client.Client
	mapper      meta.RESTMapper
	manager     string
	concurrency int
	host        string
	cache       *ApplyCache
}

// ApplyCache remembers what an Applier last applied to each object. Share
// one between the Appliers of one cluster (one per identity) to keep
// no-op resyncs cheap across Appliers; the zero value is ready to use.
type ApplyCache struct {
	mu sync.Mutex
	m  map[string]cacheEntry
}

// cacheEntry is what was applied (hash) and what the live object looked
// like afterwards (state, see liveState).
type cacheEntry struct {
	hash  [32]byte
	state [32]byte
}

func (c *ApplyCache) get(key string) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e, ok
}

func (c *ApplyCache) put(key string, e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cacheEntry{}
	}
	c.m[key] = e
}

func (c *ApplyCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

// NewApplier returns an Applier that talks to the cluster of cfg as cfg's
// identity. For a tenant environment pass a config that impersonates the
// tenant's ServiceAccount (rest.ImpersonationConfig). cfg is copied, with
// the rate limits of opts.
func NewApplier(cfg *rest.Config, opts ApplierOptions) (*Applier, error) {
	cfg = rest.CopyConfig(cfg)
	switch {
	case opts.QPS != 0:
		cfg.QPS, cfg.RateLimiter = opts.QPS, nil
	case cfg.QPS < 0 && cfg.RateLimiter == nil:
		// No client-side limit (landfall manager's setting): keep it.
	default:
		cfg.QPS, cfg.RateLimiter = max(cfg.QPS, DefaultQPS), nil
	}
	cfg.Burst = max(cfg.Burst, cmp.Or(opts.Burst, DefaultBurst))
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the HTTP client: %w", err)
	}
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("building the REST mapper: %w", err)
	}
	c, err := client.New(cfg, client.Options{HTTPClient: httpClient, Mapper: mapper})
	if err != nil {
		return nil, fmt.Errorf("building the client: %w", err)
	}
	cache := opts.Cache
	if cache == nil {
		cache = &ApplyCache{}
	}
	return &Applier{
		client:      c,
		mapper:      mapper,
		manager:     cmp.Or(opts.FieldManager, FieldManager),
		concurrency: cmp.Or(opts.Concurrency, DefaultConcurrency),
		host:        cfg.Host,
		cache:       cache,
	}, nil
}

// desired is one object to apply, prepared.
type desired struct {
	obj   *unstructured.Unstructured
	ref   ObjectRef
	hash  [32]byte
	stage int
}

// Stages, applied in this order.
const (
	stageDefinitions = iota // CRDs, Namespaces, ClusterRoles
	stageClasses            // StorageClass, IngressClass, ...
	stageResources
	numStages
)

// prepare copies, normalises and checks the objects: namespace defaulting
// and scope by the REST mapper (or by a CRD in objs), allowed namespaces,
// common labels. Objects that fail become changes with ActionFail.
func (a *Applier) prepare(objs []*unstructured.Unstructured, opts ApplyOptions) ([]*desired, []Change, []error) {
	crdScopes := map[schema.GroupKind]bool{} // namespaced?
	for _, o := range objs {
		if ssautils.IsCRD(o) {
			group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
			kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
			scope, _, _ := unstructured.NestedString(o.Object, "spec", "scope")
			crdScopes[schema.GroupKind{Group: group, Kind: kind}] = scope == "Namespaced"
		}
	}
	allowed := map[string]bool{}
	for _, ns := range opts.Namespaces {
		allowed[ns] = true
	}
	var out []*desired
	var changes []Change
	var errs []error
	fail := func(ref ObjectRef, err error) {
		changes = append(changes, Change{Object: ref, Action: ActionFail, Error: err.Error()})
		errs = append(errs, &ObjectError{Object: ref, Err: err})
	}
	for _, o := range objs {
		u := o.DeepCopy()
		ref := RefOf(u)
		if ref.Kind == "" || ref.Version == "" || ref.Name == "" {
			fail(ref, errors.New("object has no apiVersion, kind or name"))
			continue
		}
		namespaced, err := a.namespaced(u.GroupVersionKind(), crdScopes)
		if err != nil {
			fail(ref, err)
			continue
		}
		switch {
		case namespaced && u.GetNamespace() == "" && opts.DefaultNamespace == "":
			fail(ref, errors.New("namespaced object without a namespace, and the environment sets no default namespace"))
			continue
		case namespaced && u.GetNamespace() == "":
			u.SetNamespace(opts.DefaultNamespace)
		case !namespaced:
			u.SetNamespace("")
		}
		ref = RefOf(u)
		if len(allowed) > 0 && namespaced && !allowed[u.GetNamespace()] {
			fail(ref, fmt.Errorf("namespace %s is not one of the environment's target namespaces", u.GetNamespace()))
			continue
		}
		if len(opts.Labels) > 0 {
			labels := u.GetLabels()
			if labels == nil {
				labels = map[string]string{}
			}
			maps.Copy(labels, opts.Labels)
			u.SetLabels(labels)
		}
		ssautils.RemoveCABundleFromCRD(u)
		if err := normalize.UnstructuredList([]*unstructured.Unstructured{u}); err != nil {
			fail(ref, err)
			continue
		}
		data, err := json.Marshal(u.Object)
		if err != nil {
			fail(ref, fmt.Errorf("encoding: %w", err))
			continue
		}
		stage := stageResources
		switch {
		case ssautils.IsClusterDefinition(u):
			stage = stageDefinitions
		case ssautils.IsClassDefinition(u):
			stage = stageClasses
		}
		out = append(out, &desired{obj: u, ref: ref, hash: sha256.Sum256(data), stage: stage})
	}
	return out, changes, errs
}

// namespaced reports whether a kind is namespaced, asking the API server
// (through the cached REST mapper) or, for a kind the cluster does not
// serve yet, the CRDs being applied with it.
func (a *Applier) namespaced(gvk schema.GroupVersionKind, crds map[schema.GroupKind]bool) (bool, error) {
	m, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err == nil {
		return m.Scope.Name() == meta.RESTScopeNameNamespace, nil
	}
	if ns, ok := crds[gvk.GroupKind()]; ok {
		return ns, nil
	}
	if meta.IsNoMatchError(err) {
		return false, fmt.Errorf("the cluster does not serve %s and no CustomResourceDefinition here defines it", gvk)
	}
	return false, fmt.Errorf("looking up %s: %w", gvk, err)
}

func (a *Applier) cacheKey(ref ObjectRef) string {
	return a.host + "\x00" + ref.ID() + "\x00" + ref.Version
}

// liveIndex is what one metadata list per kind and namespace says exists.
type liveIndex struct {
	mu sync.Mutex
	// state maps an object's ID to its liveState; listed records which
	// kind+namespace lists succeeded, so that absence from state means
	// "does not exist" only for those.
	state  map[string][32]byte
	listed map[string]bool
}

// liveState fingerprints what, in a live object, only writes to its main
// resource change: its UID and its managed fields other than the status
// subresource's. Any edit of spec, labels or annotations, by anyone,
// changes a managed-fields entry (its time or its fields), while a
// controller updating status changes none of them. So an unchanged
// fingerprint means the object is as Landfall left it, even though its
// resourceVersion moved.
func liveState(m metav1.Object) [32]byte {
	h := sha256.New()
	h.Write([]byte(m.GetUID()))
	for _, f := range m.GetManagedFields() {
		if f.Subresource == "status" {
			continue
		}
		var t string
		if f.Time != nil {
			t = f.Time.UTC().Format(time.RFC3339)
		}
		var fields []byte
		if f.FieldsV1 != nil {
			fields = f.FieldsV1.GetRawBytes()
		}
		for _, s := range []string{f.Manager, string(f.Operation), f.APIVersion, f.Subresource, t} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		h.Write(fields)
		h.Write([]byte{0})
	}
	return [32]byte(h.Sum(nil))
}

func listKey(gvk schema.GroupVersionKind, ns string) string {
	return gvk.String() + "\x00" + ns
}

// lookup returns the live object's state, whether it exists and whether
// the index knows.
func (l *liveIndex) lookup(d *desired) (state [32]byte, exists, known bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.listed[listKey(d.obj.GroupVersionKind(), d.obj.GetNamespace())] {
		return state, false, false
	}
	state, exists = l.state[d.ref.ID()]
	return state, exists, true
}

// index lists the metadata of every kind and namespace of ds, concurrently.
// A list that fails (a tenant may not list) leaves its objects unknown.
func (a *Applier) index(ctx context.Context, ds []*desired) *liveIndex {
	idx := &liveIndex{state: map[string][32]byte{}, listed: map[string]bool{}}
	type group struct {
		gvk schema.GroupVersionKind
		ns  string
	}
	groups := map[string]group{}
	for _, d := range ds {
		gvk := d.obj.GroupVersionKind()
		groups[listKey(gvk, d.obj.GetNamespace())] = group{gvk: gvk, ns: d.obj.GetNamespace()}
	}
	a.parallel(len(groups), func(run func(func())) {
		for key, g := range groups {
			run(func() {
				list := &metav1.PartialObjectMetadataList{}
				list.SetGroupVersionKind(g.gvk.GroupVersion().WithKind(g.gvk.Kind + "List"))
				var opts []client.ListOption
				if g.ns != "" {
					opts = append(opts, client.InNamespace(g.ns))
				}
				if err := a.client.List(ctx, list, opts...); err != nil {
					return
				}
				idx.mu.Lock()
				defer idx.mu.Unlock()
				idx.listed[key] = true
				for i := range list.Items {
					item := &list.Items[i]
					ref := ObjectRef{Group: g.gvk.Group, Kind: g.gvk.Kind, Namespace: item.Namespace, Name: item.Name}
					idx.state[ref.ID()] = liveState(item)
				}
			})
		}
	})
	return idx
}

// parallel runs the functions passed to run on at most a.concurrency
// goroutines and waits for them.
func (a *Applier) parallel(n int, body func(run func(func()))) {
	sem := make(chan struct{}, max(1, min(a.concurrency, n)))
	var wg sync.WaitGroup
	body(func(fn func()) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn()
		})
	})
	wg.Wait()
}

// Apply applies objs with server-side apply in stages (CRDs, Namespaces
// and ClusterRoles first, then classes, then the rest), prunes objects of
// prev that objs no longer hold when opts.Prune is set, and waits for
// health when opts.Wait is set. It applies every object it can: the error
// joins one *ObjectError per failed object, and the Result, returned
// alongside it, lists every object and the inventory to store. Objects are
// not changed.
//
// Pruning runs only when every object applied, deletes only objects of
// prev, and skips objects annotated landfall.dev/prune: disabled and
// objects that Landfall's field manager no longer manages.
func (a *Applier) Apply(ctx context.Context, objs []*unstructured.Unstructured, prev Inventory, opts ApplyOptions) (*Result, error) {
	ds, changes, errs := a.prepare(objs, opts)
	res := &Result{}
	applied := make([]ObjectRef, 0, len(ds))
	for stage := range numStages {
		var batch []*desired
		for _, d := range ds {
			if d.stage == stage {
				batch = append(batch, d)
			}
		}
		if len(batch) == 0 {
			continue
		}
		cs, batchErrs := a.applyBatch(ctx, batch, opts)
		for i, c := range cs {
			changes = append(changes, c)
			if c.Action == ActionFail {
				errs = append(errs, &ObjectError{Object: c.Object, Err: batchErrs[i]})
				continue
			}
			applied = append(applied, c.Object)
		}
		if stage == stageDefinitions {
			// CRDs must be established and Namespaces active before
			// the objects that need them.
			var defs []ObjectRef
			for _, c := range cs {
				if c.Action == ActionCreate || c.Action == ActionUpdate {
					defs = append(defs, c.Object)
				}
			}
			if _, err := a.waitFor(ctx, defs, cmp.Or(opts.Timeout, DefaultTimeout)); err != nil {
				errs = append(errs, fmt.Errorf("waiting for definitions: %w", err))
			}
		}
	}
	if ctx.Err() != nil {
		errs = append(errs, context.Cause(ctx))
	}

	newInv := inventoryOfRefs(applied)
	switch {
	case len(errs) > 0:
		// Keep everything: what was applied and all that was owned.
		res.Inventory = Merge(prev, newInv)
	case opts.Prune:
		kept, pruned, perrs := a.prune(ctx, prev, newInv)
		changes = append(changes, pruned...)
		errs = append(errs, perrs...)
		res.Inventory = Merge(newInv, kept)
	default:
		res.Inventory = newInv
	}
	res.Changes = changes
	if opts.Wait && len(errs) == 0 {
		h, err := a.waitFor(ctx, applied, cmp.Or(opts.Timeout, DefaultTimeout))
		res.Health = h
		if err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// applyBatch applies the objects of one stage concurrently. It returns one
// change per object and, for failures, the error at the same index.
func (a *Applier) applyBatch(ctx context.Context, batch []*desired, opts ApplyOptions) ([]Change, []error) {
	idx := a.index(ctx, batch)
	changes := make([]Change, len(batch))
	errs := make([]error, len(batch))
	a.parallel(len(batch), func(run func(func())) {
		for i, d := range batch {
			run(func() {
				action, err := a.applyOne(ctx, d, idx, opts)
				changes[i] = Change{Object: d.ref, Action: action}
				if err != nil {
					changes[i].Action = ActionFail
					changes[i].Error = err.Error()
					errs[i] = err
				}
			})
		}
	})
	return changes, errs
}

// applyOne applies one object unless the cache shows it unchanged, or a
// dry-run shows it would not change.
func (a *Applier) applyOne(ctx context.Context, d *desired, idx *liveIndex, opts ApplyOptions) (Action, error) {
	key := a.cacheKey(d.ref)
	state, exists, known := idx.lookup(d)
	if exists {
		if e, ok := a.cache.get(key); ok && e.hash == d.hash && e.state == state {
			return ActionUnchanged, nil
		}
	}
	if known && !exists {
		// Not there: create it, no dry-run needed.
		return ActionCreate, a.patch(ctx, d, key)
	}
	existing, dryRun, err := a.dryRun(ctx, d)
	if err != nil {
		if existing != nil && ssaerrors.IsImmutableError(err) && opts.Force {
			if err := a.recreate(ctx, existing); err != nil {
				return ActionFail, err
			}
			return ActionUpdate, a.patch(ctx, d, key)
		}
		return ActionFail, err
	}
	if existing == nil {
		return ActionCreate, a.patch(ctx, d, key)
	}
	if !drifted(existing, dryRun) {
		a.cache.put(key, cacheEntry{hash: d.hash, state: liveState(existing)})
		return ActionUnchanged, nil
	}
	return ActionUpdate, a.patch(ctx, d, key)
}

// patch server-side applies d and remembers the result.
func (a *Applier) patch(ctx context.Context, d *desired, key string) error {
	obj := d.obj.DeepCopy()
	err := a.client.Patch(ctx, obj, client.Apply, client.ForceOwnership, client.FieldOwner(a.manager)) //nolint:staticcheck // client.Apply with unstructured is the supported SSA path for arbitrary kinds
	if err != nil {
		a.cache.forget(key)
		return err
	}
	a.cache.put(key, cacheEntry{hash: d.hash, state: liveState(obj)})
	return nil
}

// dryRun gets the live object and dry-run applies d. existing is nil when
// the object does not exist. When the object changed between the two
// requests (a controller wrote to it), comparing them would show drift
// that is not there: it tries again.
func (a *Applier) dryRun(ctx context.Context, d *desired) (existing, dryRun *unstructured.Unstructured, err error) {
	for range 3 {
		existing = &unstructured.Unstructured{}
		existing.SetGroupVersionKind(d.obj.GroupVersionKind())
		if err := a.client.Get(ctx, client.ObjectKeyFromObject(d.obj), existing); err != nil {
			if !apierrors.IsNotFound(err) {
				return nil, nil, err
			}
			existing = nil
		}
		dryRun = d.obj.DeepCopy()
		err = a.client.Patch(ctx, dryRun, client.Apply, client.DryRunAll, client.ForceOwnership, client.FieldOwner(a.manager)) //nolint:staticcheck // see patch
		if err != nil {
			return existing, nil, err
		}
		if existing == nil || dryRun.GetResourceVersion() == existing.GetResourceVersion() {
			break
		}
	}
	return existing, dryRun, nil
}

// recreate deletes an object whose immutable fields change and waits for
// it to go.
func (a *Applier) recreate(ctx context.Context, existing *unstructured.Unstructured) error {
	uid := existing.GetUID()
	if err := a.client.Delete(ctx, existing, client.PropagationPolicy(metav1.DeletePropagationBackground), client.Preconditions{UID: &uid}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting to recreate (immutable fields changed): %w", err)
	}
	return wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		probe := &unstructured.Unstructured{}
		probe.SetGroupVersionKind(existing.GroupVersionKind())
		err := a.client.Get(ctx, client.ObjectKeyFromObject(existing), probe)
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// drifted reports whether a dry-run apply differs from the live object in
// labels, annotations or anything outside metadata and status, as
// fluxcd/pkg/ssa decides it.
func drifted(existing, dryRun *unstructured.Unstructured) bool {
	if !apiequality.Semantic.DeepEqual(dryRun.GetLabels(), existing.GetLabels()) ||
		!apiequality.Semantic.DeepEqual(dryRun.GetAnnotations(), existing.GetAnnotations()) {
		return true
	}
	return !apiequality.Semantic.DeepEqual(forDiff(dryRun).Object, forDiff(existing).Object)
}

func forDiff(u *unstructured.Unstructured) *unstructured.Unstructured {
	c := u.DeepCopy()
	unstructured.RemoveNestedField(c.Object, "metadata")
	unstructured.RemoveNestedField(c.Object, "status")
	if err := normalize.DryRunUnstructured(c); err != nil {
		return u
	}
	return c
}

// prune deletes the objects of prev missing from next. It returns the
// entries to keep in the inventory (deletions that failed), the changes
// and the errors.
func (a *Applier) prune(ctx context.Context, prev, next Inventory) (Inventory, []Change, []error) {
	stale, err := staleRefs(prev, next)
	if err != nil {
		return prev, nil, []error{err}
	}
	// Namespaced objects first, definitions (Namespaces, CRDs) last.
	slices.SortStableFunc(stale, func(x, y ObjectRef) int { return cmp.Compare(pruneOrder(y), pruneOrder(x)) })
	changes := make([]Change, len(stale))
	errs := make([]error, len(stale))
	var kept []ObjectRef
	var mu sync.Mutex
	for _, phase := range []int{stageResources, stageClasses, stageDefinitions} {
		a.parallel(len(stale), func(run func(func())) {
			for i, ref := range stale {
				if pruneOrder(ref) != phase {
					continue
				}
				run(func() {
					action, err := a.deleteOne(ctx, ref)
					changes[i] = Change{Object: ref, Action: action}
					if err != nil {
						changes[i].Action = ActionFail
						changes[i].Error = err.Error()
						errs[i] = &ObjectError{Object: ref, Err: err}
						mu.Lock()
						kept = append(kept, ref)
						mu.Unlock()
					}
				})
			}
		})
	}
	var out []Change
	for _, c := range changes {
		if c.Action != "" {
			out = append(out, c)
		}
	}
	return inventoryOfRefs(kept), out, slices.DeleteFunc(errs, func(e error) bool { return e == nil })
}

// pruneOrder is the stage an inventory entry would be applied in.
func pruneOrder(r ObjectRef) int {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(r.GroupVersionKind())
	switch {
	case ssautils.IsClusterDefinition(u):
		return stageDefinitions
	case ssautils.IsClassDefinition(u):
		return stageClasses
	}
	return stageResources
}

// staleRefs returns the entries of prev that next does not hold.
func staleRefs(prev, next Inventory) ([]ObjectRef, error) {
	have := make(map[string]bool, len(next.Entries))
	for _, e := range next.Entries {
		have[e.ID] = true
	}
	var stale Inventory
	for _, e := range prev.Entries {
		if !have[e.ID] {
			stale.Entries = append(stale.Entries, e)
		}
	}
	return stale.Refs()
}

// deleteOne deletes one pruned object, unless it is gone, annotated
// landfall.dev/prune: disabled, or no longer managed by Landfall.
func (a *Applier) deleteOne(ctx context.Context, ref ObjectRef) (Action, error) {
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(ref.GroupVersionKind())
	err := a.client.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, live)
	switch {
	case apierrors.IsNotFound(err), meta.IsNoMatchError(err):
		return ActionDelete, nil // already gone
	case err != nil:
		return ActionFail, err
	}
	if live.GetAnnotations()[PruneAnnotation] == PruneDisabled {
		return ActionSkip, nil
	}
	if !managedBy(live, a.manager) {
		return ActionSkip, nil
	}
	uid := live.GetUID()
	err = a.client.Delete(ctx, live, client.PropagationPolicy(metav1.DeletePropagationBackground), client.Preconditions{UID: &uid})
	if err != nil && !apierrors.IsNotFound(err) {
		return ActionFail, err
	}
	a.cache.forget(a.cacheKey(ref))
	return ActionDelete, nil
}

// managedBy reports whether manager applied fields of u.
func managedBy(u *unstructured.Unstructured, manager string) bool {
	for _, f := range u.GetManagedFields() {
		if f.Manager == manager && f.Operation == metav1.ManagedFieldsOperationApply {
			return true
		}
	}
	return false
}

// PlannedInventory returns the inventory Apply would own after applying
// objs with opts: namespaces defaulted and cleared by scope as Apply does,
// objects that would fail preparation left out. Store Merge(prev,
// PlannedInventory(objs)) before applying, and a crash in the middle of
// an apply never loses track of an object it created.
func (a *Applier) PlannedInventory(objs []*unstructured.Unstructured, opts ApplyOptions) Inventory {
	ds, _, _ := a.prepare(objs, opts)
	return InventoryOf(objectsOf(ds))
}

// Merge returns the union of inventories, sorted by ID; the first
// inventory's version wins for an entry in several.
func Merge(invs ...Inventory) Inventory {
	seen := map[string]bool{}
	var out Inventory
	for _, inv := range invs {
		for _, e := range inv.Entries {
			if !seen[e.ID] {
				seen[e.ID] = true
				out.Entries = append(out.Entries, e)
			}
		}
	}
	slices.SortFunc(out.Entries, func(a, b InventoryEntry) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Health reads the kstatus status of every object of inv now, without
// waiting.
func (a *Applier) Health(ctx context.Context, inv Inventory) (*Health, error) {
	refs, err := inv.Refs()
	if err != nil {
		return nil, err
	}
	return a.health(ctx, refs), nil
}

// listLive lists the objects of a kind (in ns, or everywhere when ns is
// empty) for the health check. Kinds without a status are listed as
// metadata, which says all there is to say and is cheaper to list.
func (a *Applier) listLive(ctx context.Context, gvk schema.GroupVersionKind, ns string) ([]*unstructured.Unstructured, error) {
	var opts []client.ListOption
	if ns != "" {
		opts = append(opts, client.InNamespace(ns))
	}
	listGVK := gvk.GroupVersion().WithKind(gvk.Kind + "List")
	if statusless[gvk.GroupKind()] {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(listGVK)
		if err := a.client.List(ctx, list, opts...); err != nil {
			return nil, err
		}
		out := make([]*unstructured.Unstructured, len(list.Items))
		for i := range list.Items {
			item := &list.Items[i]
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(gvk)
			u.SetNamespace(item.Namespace)
			u.SetName(item.Name)
			u.SetGeneration(item.Generation)
			u.SetDeletionTimestamp(item.DeletionTimestamp)
			out[i] = u
		}
		return out, nil
	}
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(listGVK)
	if err := a.client.List(ctx, list, opts...); err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
}

// health computes the kstatus status of refs, listing each kind and
// namespace once (or getting objects one by one where listing fails).
func (a *Applier) health(ctx context.Context, refs []ObjectRef) *Health {
	type group struct {
		gvk schema.GroupVersionKind
		ns  string
	}
	groups := map[string]group{}
	for _, r := range refs {
		gvk := r.GroupVersionKind()
		groups[listKey(gvk, r.Namespace)] = group{gvk: gvk, ns: r.Namespace}
	}
	var mu sync.Mutex
	live := map[string]*unstructured.Unstructured{}
	listed := map[string]bool{}
	a.parallel(len(groups), func(run func(func())) {
		for key, g := range groups {
			run(func() {
				items, err := a.listLive(ctx, g.gvk, g.ns)
				if err != nil {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				listed[key] = true
				for _, item := range items {
					ref := ObjectRef{Group: g.gvk.Group, Kind: g.gvk.Kind, Namespace: item.GetNamespace(), Name: item.GetName()}
					live[ref.ID()] = item
				}
			})
		}
	})
	h := &Health{Healthy: true}
	statuses := make([]ObjectStatus, len(refs))
	a.parallel(len(refs), func(run func(func())) {
		for i, r := range refs {
			run(func() {
				mu.Lock()
				u, wasListed := live[r.ID()], listed[listKey(r.GroupVersionKind(), r.Namespace)]
				mu.Unlock()
				if !wasListed {
					u = &unstructured.Unstructured{}
					u.SetGroupVersionKind(r.GroupVersionKind())
					if err := a.client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Name}, u); err != nil {
						if apierrors.IsNotFound(err) {
							statuses[i] = ObjectStatus{Object: r, Status: string(status.NotFoundStatus)}
						} else {
							statuses[i] = ObjectStatus{Object: r, Status: string(status.UnknownStatus), Message: err.Error()}
						}
						return
					}
				}
				if u == nil {
					statuses[i] = ObjectStatus{Object: r, Status: string(status.NotFoundStatus)}
					return
				}
				res, err := status.Compute(u)
				if err != nil {
					statuses[i] = ObjectStatus{Object: r, Status: string(status.UnknownStatus), Message: err.Error()}
					return
				}
				statuses[i] = ObjectStatus{Object: r, Status: string(res.Status), Message: res.Message}
			})
		}
	})
	for _, s := range statuses {
		if s.Status != string(status.CurrentStatus) {
			h.Healthy = false
			h.Objects = append(h.Objects, s)
		}
	}
	return h
}

// statusless are kinds without status: kstatus finds them Current as soon
// as they exist (Terminating once being deleted), so their metadata is
// enough to tell their health.
var statusless = map[schema.GroupKind]bool{
	{Kind: "ConfigMap"}:      true,
	{Kind: "Secret"}:         true,
	{Kind: "ServiceAccount"}: true,
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:               true,
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:        true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:        true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}: true,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:              true,
}

// waitFor polls the health of refs until all are Current, one has Failed
// and the rest are Current, or timeout passes.
func (a *Applier) waitFor(ctx context.Context, refs []ObjectRef, timeout time.Duration) (*Health, error) {
	if len(refs) == 0 {
		return &Health{Healthy: true}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	interval := 250 * time.Millisecond
	for {
		h := a.health(ctx, refs)
		if h.Healthy {
			return h, nil
		}
		terminal := true
		for _, s := range h.Objects {
			if s.Status != string(status.FailedStatus) {
				terminal = false
			}
		}
		if terminal {
			return h, fmt.Errorf("unhealthy: %s", describe(h))
		}
		select {
		case <-ctx.Done():
			return h, fmt.Errorf("timeout after %s waiting for health: %s", timeout, describe(h))
		case <-time.After(interval):
		}
		interval = min(2*interval, 2*time.Second)
	}
}

// describe lists the unhealthy objects of h, at most five.
func describe(h *Health) string {
	var parts []string
	for i, s := range h.Objects {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(h.Objects)-i))
			break
		}
		p := s.Object.String() + " " + s.Status
		if s.Message != "" {
			p += " (" + s.Message + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
