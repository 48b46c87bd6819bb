package load

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ErrOutsideRoot is the cause of the error for a file that a kustomization
// or a symbolic link reaches outside Options.Confine.
var ErrOutsideRoot = errors.New("outside the directory being rendered")

// kustomizeMu serialises kustomize builds: kustomize is not safe for
// concurrent use (kubernetes-sigs/kustomize#3659).
var kustomizeMu sync.Mutex

// renderKustomize builds the kustomization in dir with kustomize's default
// options (no plugins, no Helm inflation, load restrictions to the root),
// reading only under confine when it is set. Objects carry the
// kustomization file (for example "base/kustomization.yaml") as
// Source.File and line 0: rendered objects do not map to lines of the
// resource files.
func renderKustomize(dir, display, confine string, fn func(*posture.Object) error) []error {
	resMap, err := buildKustomization(dir, confine)
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

// buildKustomization runs kustomize, one build at a time, turning a panic
// (kustomize panics on some malformed input) into an error.
func buildKustomization(dir, confine string) (_ resmap.ResMap, err error) {
	fsys := filesys.MakeFsOnDisk()
	if confine != "" {
		if fsys, err = newConfinedFS(confine); err != nil {
			return nil, err
		}
	}
	kustomizeMu.Lock()
	defer kustomizeMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kustomize panicked: %v", r)
		}
	}()
	return krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, dir)
}
