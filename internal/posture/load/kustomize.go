package load

import (
	"fmt"
	"path"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/landfall-dev/landfall/internal/posture"
)

// renderKustomize builds the kustomization in dir with kustomize's default
// options (no plugins, no Helm inflation, load restrictions to the root).
// Objects carry the kustomization file (for example
// "base/kustomization.yaml") as Source.File and line 0: rendered objects do
// not map to lines of the resource files.
func renderKustomize(dir, display string, fn func(*posture.Object) error) []error {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resMap, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return []error{&Error{File: display, Err: fmt.Errorf("building kustomization: %w", err)}}
	}
	file := display
	for _, name := range kustomizationFiles {
		if isFile(filepath.Join(dir, name)) {
			file = path.Join(filepath.ToSlash(display), name)
			break
		}
	}
	var errs []error
	for _, r := range resMap.Resources() {
		m, err := r.Map()
		if err != nil {
			errs = append(errs, &Error{File: display, Err: fmt.Errorf("converting %s: %w", r.CurId(), err)})
			continue
		}
		m, _ = normalize(m).(map[string]any)
		obj := &posture.Object{U: &unstructured.Unstructured{Object: m}, Source: posture.Source{File: file}}
		if err := fn(obj); err != nil {
			return append(errs, err)
		}
	}
	return errs
}
