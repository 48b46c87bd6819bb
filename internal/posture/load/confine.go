package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// confinedFS is kustomize's on-disk file system restricted to one
// directory: every path is resolved, symbolic links included, and refused
// when it leads outside the root, so that a kustomization cannot read the
// rest of the disk (another repository, a mounted token) through "../" or
// a link. It refuses writes, except removing kustomize's own temporary
// clones of remote bases, whose files it never lets kustomize read.
type confinedFS struct {
	disk filesys.FileSystem
	root string // absolute, symbolic links resolved
}

// newConfinedFS returns a file system confined to root.
func newConfinedFS(root string) (filesys.FileSystem, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", root, err)
	}
	return &confinedFS{disk: filesys.MakeFsOnDisk(), root: real}, nil
}

// resolve returns p with symbolic links resolved, as far as it exists.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err == nil {
		return real, nil
	}
	if !os.IsNotExist(err) {
		return "", err
	}
	// Resolve the deepest existing parent and append the rest.
	parent, base := filepath.Split(abs)
	parent = filepath.Clean(parent)
	if parent == abs {
		return abs, nil
	}
	rp, err := resolve(parent)
	if err != nil {
		return "", err
	}
	return filepath.Join(rp, base), nil
}

func (c *confinedFS) inside(p string) bool {
	real, err := resolve(p)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(c.root, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func (c *confinedFS) check(p string) error {
	if !c.inside(p) {
		return fmt.Errorf("%s: %w", p, ErrOutsideRoot)
	}
	return nil
}

func (c *confinedFS) refuse(p string) error {
	return fmt.Errorf("%s: writing is not allowed while rendering", p)
}

func (c *confinedFS) Create(p string) (filesys.File, error) { return nil, c.refuse(p) }
func (c *confinedFS) Mkdir(p string) error                  { return c.refuse(p) }
func (c *confinedFS) MkdirAll(p string) error               { return c.refuse(p) }
func (c *confinedFS) WriteFile(p string, _ []byte) error    { return c.refuse(p) }

// RemoveAll removes only kustomize's temporary clones, outside the root.
func (c *confinedFS) RemoveAll(p string) error {
	tmp, err := resolve(os.TempDir())
	if err != nil {
		return err
	}
	real, err := resolve(p)
	if err != nil {
		return err
	}
	if c.inside(p) || !strings.HasPrefix(real, tmp+string(filepath.Separator)) {
		return c.refuse(p)
	}
	return c.disk.RemoveAll(p)
}

func (c *confinedFS) Open(p string) (filesys.File, error) {
	if err := c.check(p); err != nil {
		return nil, err
	}
	return c.disk.Open(p)
}

func (c *confinedFS) IsDir(p string) bool { return c.inside(p) && c.disk.IsDir(p) }

func (c *confinedFS) ReadDir(p string) ([]string, error) {
	if err := c.check(p); err != nil {
		return nil, err
	}
	return c.disk.ReadDir(p)
}

func (c *confinedFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	if err := c.check(p); err != nil {
		return "", "", err
	}
	return c.disk.CleanedAbs(p)
}

func (c *confinedFS) Exists(p string) bool { return c.inside(p) && c.disk.Exists(p) }

func (c *confinedFS) Glob(pattern string) ([]string, error) {
	all, err := c.disk.Glob(pattern)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, p := range all {
		if c.inside(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (c *confinedFS) ReadFile(p string) ([]byte, error) {
	if err := c.check(p); err != nil {
		return nil, err
	}
	return c.disk.ReadFile(p)
}

func (c *confinedFS) Walk(p string, fn filepath.WalkFunc) error {
	if err := c.check(p); err != nil {
		return err
	}
	return c.disk.Walk(p, func(path string, info os.FileInfo, err error) error {
		if err == nil && !c.inside(path) {
			return fn(path, info, fmt.Errorf("%s: %w", path, ErrOutsideRoot))
		}
		return fn(path, info, err)
	})
}
