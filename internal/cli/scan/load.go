package scan

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/load"
	"github.com/landfall-dev/landfall/internal/posture/report"
)

// loadOptions are what the loader needs from the flags.
type loadOptions struct {
	// Root is the directory file paths are made relative to.
	Root string
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Values and Set are Helm values files and KEY=VALUE overrides.
	Values, Set []string
}

// loaded is what loading produced besides the objects.
type loaded struct {
	// Files are the files objects, notes or errors came from, sorted.
	Files  []string
	Notes  []string
	Errors []report.LoadError
}

// loadObjects streams the objects under paths to fn with load.Walk; fn is
// called from several goroutines at once.
func loadObjects(ctx context.Context, paths []string, opts loadOptions, fn func(*posture.Object)) *loaded {
	var (
		mu    sync.Mutex
		files = map[string]bool{}
	)
	notes, errs := load.Walk(ctx, paths, load.Options{
		Root:  opts.Root,
		Stdin: opts.Stdin,
		Helm:  load.HelmOptions{ValuesFiles: opts.Values, Set: opts.Set},
	}, func(o *posture.Object) error {
		mu.Lock()
		files[o.Source.File] = true
		mu.Unlock()
		fn(o)
		return nil
	})
	out := &loaded{}
	for _, n := range notes {
		out.Notes = append(out.Notes, n.String())
		files[n.File] = true
	}
	for _, err := range errs {
		le := loadError(err)
		out.Errors = append(out.Errors, le)
		if le.File != "" {
			files[le.File] = true
		}
	}
	for f := range files {
		out.Files = append(out.Files, f)
	}
	slices.Sort(out.Files)
	return out
}

// loadError converts a loader error into a report entry.
func loadError(err error) report.LoadError {
	var le *load.Error
	if errors.As(err, &le) {
		return report.LoadError{File: le.File, Line: le.Line, Message: le.Err.Error()}
	}
	return report.LoadError{Message: err.Error()}
}
