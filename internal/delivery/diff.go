package delivery

import (
	"context"
	"errors"
	"fmt"

	"github.com/fluxcd/pkg/ssa"
	ssautils "github.com/fluxcd/pkg/ssa/utils"
	"github.com/pmezard/go-difflib/difflib"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// Diff reports what Apply would do, object by object, without writing:
// objects to create, to update (with a unified YAML diff of the live and
// the dry-run object, Secret values masked) or unchanged, and, when
// opts.Prune is set, the objects of prev that Apply would delete. Objects
// the API server refuses come back as ActionFail with its message, and
// in the error. A non-empty diff (anything but unchanged) of the revision
// last applied is drift.
//
// Objects the Applier applied and whose resourceVersion has not moved
// since are reported unchanged without a dry-run.
func (a *Applier) Diff(ctx context.Context, objs []*unstructured.Unstructured, prev Inventory, opts ApplyOptions) ([]Change, error) {
	ds, changes, errs := a.prepare(objs, opts)
	idx := a.index(ctx, ds)
	out := make([]Change, len(ds))
	a.parallel(len(ds), func(run func(func())) {
		for i, d := range ds {
			run(func() {
				c, err := a.diffOne(ctx, d, idx)
				out[i] = c
				if err != nil {
					out[i].Action = ActionFail
					out[i].Error = err.Error()
				}
			})
		}
	})
	for _, c := range out {
		if c.Action == ActionFail {
			errs = append(errs, &ObjectError{Object: c.Object, Err: errors.New(c.Error)})
		}
	}
	changes = append(changes, out...)
	if opts.Prune {
		stale, err := staleRefs(prev, InventoryOf(objectsOf(ds)))
		if err != nil {
			return changes, errors.Join(append(errs, err)...)
		}
		for _, ref := range stale {
			action, err := a.wouldDelete(ctx, ref)
			c := Change{Object: ref, Action: action}
			if err != nil {
				c.Action, c.Error = ActionFail, err.Error()
				errs = append(errs, &ObjectError{Object: ref, Err: err})
			}
			if c.Action != ActionUnchanged {
				changes = append(changes, c)
			}
		}
	}
	return changes, errors.Join(errs...)
}

func objectsOf(ds []*desired) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, len(ds))
	for i, d := range ds {
		out[i] = d.obj
	}
	return out
}

// diffOne compares one object with the cluster.
func (a *Applier) diffOne(ctx context.Context, d *desired, idx *liveIndex) (Change, error) {
	c := Change{Object: d.ref}
	state, exists, known := idx.lookup(d)
	if known && !exists {
		c.Action = ActionCreate
		return c, nil
	}
	if exists {
		if e, ok := a.cache.get(a.cacheKey(d.ref)); ok && e.hash == d.hash && e.state == state {
			c.Action = ActionUnchanged
			return c, nil
		}
	}
	existing, dryRun, err := a.dryRun(ctx, d)
	if err != nil {
		return c, err
	}
	switch {
	case existing == nil:
		c.Action = ActionCreate
	case !drifted(existing, dryRun):
		c.Action = ActionUnchanged
		a.cache.put(a.cacheKey(d.ref), cacheEntry{hash: d.hash, state: liveState(existing)})
	default:
		c.Action = ActionUpdate
		text, err := unifiedDiff(d.ref, existing, dryRun)
		if err != nil {
			return c, err
		}
		c.Diff = text
	}
	return c, nil
}

// wouldDelete says what pruning would do to ref.
func (a *Applier) wouldDelete(ctx context.Context, ref ObjectRef) (Action, error) {
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(ref.GroupVersionKind())
	err := a.client.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, live)
	switch {
	case apierrors.IsNotFound(err):
		return ActionUnchanged, nil // gone already: nothing to do
	case err != nil:
		return ActionFail, err
	case live.GetAnnotations()[PruneAnnotation] == PruneDisabled, !managedBy(live, a.manager):
		return ActionSkip, nil
	}
	return ActionDelete, nil
}

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// unifiedDiff renders live and desired as YAML, without server-managed
// metadata and status, Secret data masked, and diffs them.
func unifiedDiff(ref ObjectRef, live, desired *unstructured.Unstructured) (string, error) {
	live, desired = live.DeepCopy(), desired.DeepCopy()
	for _, u := range []*unstructured.Unstructured{live, desired} {
		for _, f := range []string{"managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"} {
			unstructured.RemoveNestedField(u.Object, "metadata", f)
		}
		unstructured.RemoveNestedField(u.Object, "status")
	}
	if ssautils.IsSecret(desired) {
		if err := ssa.SanitizeUnstructuredData(live, desired); err != nil {
			return "", fmt.Errorf("masking Secret data: %w", err)
		}
		// kubectl apply keeps the whole Secret, data included, in an
		// annotation.
		for _, u := range []*unstructured.Unstructured{live, desired} {
			if anns := u.GetAnnotations(); anns[lastApplied] != "" {
				anns[lastApplied] = "***"
				u.SetAnnotations(anns)
			}
		}
	}
	a, err := yaml.Marshal(live.Object)
	if err != nil {
		return "", err
	}
	b, err := yaml.Marshal(desired.Object)
	if err != nil {
		return "", err
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(a)),
		B:        difflib.SplitLines(string(b)),
		FromFile: "live/" + ref.String(),
		ToFile:   "git/" + ref.String(),
		Context:  3,
	})
}
