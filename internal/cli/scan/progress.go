package scan

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// progress redraws "scanning: N objects" on a terminal while a long scan
// runs, and erases it when stopped. On anything but a terminal it prints
// nothing, so pipes, files and CI logs stay clean.
type progress struct {
	w    io.Writer
	n    *atomic.Int64
	done chan struct{}
	wg   sync.WaitGroup
}

// startProgress starts the progress line on w if w is a terminal; n is the
// running object count.
func startProgress(w io.Writer, n *atomic.Int64) *progress {
	p := &progress{w: w, n: n, done: make(chan struct{})}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return p
	}
	p.wg.Go(func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-p.done:
				if shown {
					fmt.Fprint(p.w, "\r\033[K")
				}
				return
			case <-t.C:
				fmt.Fprintf(p.w, "\r\033[Kscanning: %d objects", p.n.Load())
				shown = true
			}
		}
	})
	return p
}

// stop erases the progress line and waits for it to be gone.
func (p *progress) stop() {
	close(p.done)
	p.wg.Wait()
}
