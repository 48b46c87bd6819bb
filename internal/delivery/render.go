package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/load"
)

// Render reads the manifests in dir: plain YAML and JSON files, kustomize
// overlays and local Helm charts, as landfall scan reads them (package
// internal/posture/load), so that the gate checks exactly what is applied.
// Each object carries the file it came from, relative to opts.Root (or
// dir). Nothing outside opts.Root is read. Any file that fails to read or
// render fails the whole render, with an error per file that names it; so
// does an object defined twice. Objects come in a stable order: files in
// lexical order, documents in file order.
func Render(ctx context.Context, dir string, opts RenderOptions) ([]*posture.Object, error) {
	root := cmp.Or(opts.Root, dir)
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", root, err)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", dir, err)
	}
	if !within(absRoot, absDir) {
		return nil, fmt.Errorf("rendering %s: %w", dir, ErrPathEscapes)
	}
	if info, err := os.Stat(absDir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("rendering %s: not a directory", dir)
	}
	values := make([]string, len(opts.HelmValuesFiles))
	for i, v := range opts.HelmValuesFiles {
		p := filepath.Join(absRoot, filepath.FromSlash(v))
		if !within(absRoot, p) {
			return nil, fmt.Errorf("helm values file %s: %w", v, ErrPathEscapes)
		}
		values[i] = p
	}
	var objs []*posture.Object
	_, errs := load.Walk(ctx, []string{absDir}, load.Options{
		Root:    absRoot,
		Workers: 1, // a stable order; kustomize builds are serialised anyway
		Confine: absRoot,
		Helm: load.HelmOptions{
			ValuesFiles: values,
			ReleaseName: opts.HelmReleaseName,
			Namespace:   opts.HelmNamespace,
		},
	}, func(o *posture.Object) error {
		objs = append(objs, o)
		return nil
	})
	if len(errs) > 0 {
		for i, e := range errs {
			if errors.Is(e, load.ErrOutsideRoot) {
				errs[i] = fmt.Errorf("%w: %w", ErrPathEscapes, e)
			}
		}
		return nil, fmt.Errorf("rendering %s: %w", relOr(absRoot, absDir), errors.Join(errs...))
	}
	if err := checkDuplicates(objs); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", relOr(absRoot, absDir), err)
	}
	return objs, nil
}

func relOr(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return p
}

// checkDuplicates fails when two rendered objects are the same cluster
// object (same group, kind, namespace and name): one would silently win.
func checkDuplicates(objs []*posture.Object) error {
	seen := make(map[string]*posture.Object, len(objs))
	var errs []error
	for _, o := range objs {
		ref := RefOf(o.U)
		id := ref.ID()
		if first, dup := seen[id]; dup {
			errs = append(errs, fmt.Errorf("%s is defined twice: in %s and in %s", ref, where(first.Source), where(o.Source)))
			continue
		}
		seen[id] = o
	}
	return errors.Join(errs...)
}

func where(s posture.Source) string {
	if s.Line > 0 {
		return fmt.Sprintf("%s:%d", s.File, s.Line)
	}
	return s.File
}

// Objects returns the decoded objects of rendered objects, for Apply and
// Diff.
func Objects(objs []*posture.Object) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		out[i] = o.U
	}
	return out
}
