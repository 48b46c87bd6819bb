package load

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/landfall-dev/landfall/internal/posture"
)

// StdinName is the Source.File of objects read from standard input.
const StdinName = "<stdin>"

// Options tune Walk.
type Options struct {
	// Root is the scan root: Source.File is made relative to it when the
	// file lies under it. Empty means the current directory.
	Root string
	// Stdin is read for the root "-"; nil means os.Stdin.
	Stdin io.Reader
	// Workers is the number of files read and parsed at once; 0 means
	// runtime.GOMAXPROCS(0). With more than one worker the callback is
	// called concurrently.
	Workers int
	// Helm configures the rendering of Helm chart directories.
	Helm HelmOptions
	// Confine, when set, is a directory nothing is read outside of:
	// kustomize references ("../"), symbolic links and chart files that
	// lead elsewhere are errors. Set it when rendering untrusted
	// repositories.
	Confine string
}

// HelmOptions configure how chart directories are rendered.
type HelmOptions struct {
	// ValuesFiles are values files merged over the chart's values.yaml in
	// order, like helm's --values.
	ValuesFiles []string
	// Set are key=value overrides applied last, like helm's --set.
	Set []string
	// ReleaseName is the release name; empty means "release".
	ReleaseName string
	// Namespace is the release namespace; empty means "default".
	Namespace string
}

// job is one unit of loading work.
type job struct {
	kind    jobKind
	path    string // file system path
	display string // Source.File
}

type jobKind int

const (
	jobFile jobKind = iota
	jobStdin
	jobHelm
	jobKustomize
)

// kustomizationFiles are the file names that mark a kustomize directory.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// Walk loads every object under the roots and calls fn for each. It returns
// notes about documents passed over and errors about files and documents
// that could not be loaded; loading goes on after an error. If fn returns an
// error, or ctx is done, Walk stops and returns that error among errs.
// With Options.Workers > 1 (the default on multi-core machines) fn is called
// from several goroutines at once and must be safe for that.
func Walk(ctx context.Context, roots []string, opts Options, fn func(*posture.Object) error) (notes []Note, errs []error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	root, err := filepath.Abs(cmp.Or(opts.Root, "."))
	if err != nil {
		return nil, []error{fmt.Errorf("resolving scan root: %w", err)}
	}
	w := &walker{opts: opts, root: root, fn: fn, cancel: cancel}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range max(1, cmp.Or(opts.Workers, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			for j := range jobs {
				if ctx.Err() == nil {
					w.run(ctx, j)
				}
			}
		})
	}
	for _, r := range roots {
		if ctx.Err() != nil {
			break
		}
		w.produce(ctx, r, jobs)
	}
	close(jobs)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, errStopped) {
		w.errs = append(w.errs, cause)
	}
	sortNotes(w.notes)
	sortErrors(w.errs)
	return w.notes, w.errs
}

// errStopped marks a stop already recorded as an error.
var errStopped = errors.New("stopped")

// errSkip stops the parse of a file once the walk is stopping; it is not
// reported.
var errSkip = errors.New("skipped")

type walker struct {
	opts   Options
	root   string
	fn     func(*posture.Object) error
	cancel context.CancelCauseFunc

	mu    sync.Mutex
	notes []Note
	errs  []error
}

func (w *walker) report(notes []Note, errs []error) {
	errs = slices.DeleteFunc(errs, func(e error) bool { return errors.Is(e, errSkip) })
	if len(notes) == 0 && len(errs) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.notes = append(w.notes, notes...)
	w.errs = append(w.errs, errs...)
}

// display returns the Source.File for a path.
func (w *walker) display(path string) string {
	abs, err := filepath.Abs(path)
	if err == nil {
		if rel, err := filepath.Rel(w.root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
}

// produce sends the jobs for one root.
func (w *walker) produce(ctx context.Context, root string, jobs chan<- job) {
	send := func(j job) bool {
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if root == "-" {
		send(job{kind: jobStdin, display: StdinName})
		return
	}
	info, err := os.Stat(root)
	if err != nil {
		w.report(nil, []error{&Error{File: w.display(root), Err: fmt.Errorf("reading input: %w", err)}})
		return
	}
	if !info.IsDir() {
		send(job{kind: jobFile, path: root, display: w.display(root)})
		return
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			w.report(nil, []error{&Error{File: w.display(path), Err: fmt.Errorf("reading directory: %w", err)}})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if ctx.Err() != nil {
			return fs.SkipAll
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			if kind, ok := renderKind(path); ok {
				send(job{kind: kind, path: path, display: w.display(path)})
				return fs.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml", ".json":
			if !send(job{kind: jobFile, path: path, display: w.display(path)}) {
				return fs.SkipAll
			}
		}
		return nil
	})
	if err != nil {
		w.report(nil, []error{&Error{File: w.display(root), Err: fmt.Errorf("walking directory: %w", err)}})
	}
}

// renderKind reports whether a directory is a Helm chart or a
// kustomization.
func renderKind(dir string) (jobKind, bool) {
	if isFile(filepath.Join(dir, "Chart.yaml")) {
		return jobHelm, true
	}
	for _, name := range kustomizationFiles {
		if isFile(filepath.Join(dir, name)) {
			return jobKustomize, true
		}
	}
	return 0, false
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// run does one job.
func (w *walker) run(ctx context.Context, j job) {
	fn := func(o *posture.Object) error {
		if ctx.Err() != nil {
			return errSkip
		}
		if err := w.fn(o); err != nil {
			w.cancel(errStopped)
			return err
		}
		return nil
	}
	switch j.kind {
	case jobStdin:
		r := w.opts.Stdin
		if r == nil {
			r = os.Stdin
		}
		data, err := io.ReadAll(r)
		if err != nil {
			w.report(nil, []error{&Error{File: j.display, Err: fmt.Errorf("reading standard input: %w", err)}})
			return
		}
		w.report(Parse(j.display, data, fn))
	case jobFile:
		if err := w.confined(j.path); err != nil {
			w.report(nil, []error{&Error{File: j.display, Err: err}})
			return
		}
		data, err := os.ReadFile(j.path)
		if err != nil {
			w.report(nil, []error{&Error{File: j.display, Err: fmt.Errorf("reading file: %w", err)}})
			return
		}
		w.report(Parse(j.display, data, fn))
	case jobHelm:
		if err := w.confinedTree(j.path); err != nil {
			w.report(nil, []error{&Error{File: j.display, Err: err}})
			return
		}
		w.report(renderHelm(j.path, j.display, w.opts.Helm, fn))
	case jobKustomize:
		w.report(nil, renderKustomize(j.path, j.display, w.opts.Confine, fn))
	}
}

// confined checks that path, symbolic links resolved, lies in
// Options.Confine (when set).
func (w *walker) confined(path string) error {
	if w.opts.Confine == "" {
		return nil
	}
	fsys, err := newConfinedFS(w.opts.Confine)
	if err != nil {
		return err
	}
	if !fsys.(*confinedFS).inside(path) {
		return ErrOutsideRoot
	}
	return nil
}

// confinedTree checks every symbolic link under dir with confined: the
// Helm chart loader follows them.
func (w *walker) confinedTree(dir string) error {
	if w.opts.Confine == "" {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if err := w.confined(path); err != nil {
				return fmt.Errorf("%s: %w", w.display(path), err)
			}
		}
		return nil
	})
}

func sortNotes(ns []Note) {
	slices.SortStableFunc(ns, func(a, b Note) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
}

func sortErrors(es []error) {
	key := func(e error) (string, int) {
		var le *Error
		if errors.As(e, &le) {
			return le.File, le.Line
		}
		return "", 0
	}
	slices.SortStableFunc(es, func(a, b error) int {
		fa, la := key(a)
		fb, lb := key(b)
		return cmp.Or(strings.Compare(fa, fb), cmp.Compare(la, lb))
	})
}
