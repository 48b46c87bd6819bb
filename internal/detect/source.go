package detect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// MaxLineBytes is the longest audit log line read; longer lines are
// reported as malformed and skipped.
const MaxLineBytes = 64 << 20

// Position says where an event was read.
type Position struct {
	// Name is the file name, "stdin" or "webhook".
	Name string
	// Line is the 1-based line in Name (for the webhook, the item's index
	// in its batch, 1-based); 0 when unknown.
	Line int
}

// String renders "name:line", or "name" without a line.
func (p Position) String() string {
	if p.Line == 0 {
		return p.Name
	}
	return p.Name + ":" + strconv.Itoa(p.Line)
}

// Malformed is an input line (or webhook item) that is not an audit event.
// It is reported and skipped, never fatal.
type Malformed struct {
	// Position is where it was read.
	Position Position
	// Err says what is wrong.
	Err error
}

// Error renders "file:line: malformed audit event: why".
func (m Malformed) Error() string {
	return fmt.Sprintf("%s: malformed audit event: %v", m.Position, m.Err)
}

// Handler receives the events a source reads and the lines it cannot
// decode. A Handler is called from one goroutine per source.
type Handler interface {
	// Event handles one event; ev is reused after the call returns.
	Event(ev *Event, pos Position)
	// Malformed handles one undecodable line.
	Malformed(m Malformed)
}

// DecodeEvent decodes one audit log line into ev, which it resets first.
// A line that is valid JSON but names no audit ID and no verb is not an
// audit event.
func DecodeEvent(line []byte, ev *Event) error {
	*ev = Event{}
	if err := json.Unmarshal(line, ev); err != nil {
		return err
	}
	if ev.AuditID == "" && ev.Verb == "" {
		return errors.New("no auditID and no verb: not an audit.k8s.io/v1 Event")
	}
	return nil
}

// lineReader splits a byte stream into lines and decodes each as an
// event. It keeps an incomplete last line until more data or flush.
type lineReader struct {
	name     string
	line     int
	pending  []byte
	skipping bool
	ev       Event
	h        Handler
}

// feed splits chunk into lines, decoding the complete ones.
func (lr *lineReader) feed(chunk []byte) {
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			if !lr.skipping {
				if len(lr.pending)+len(chunk) > MaxLineBytes {
					lr.skipping = true
					lr.pending = lr.pending[:0]
				} else {
					lr.pending = append(lr.pending, chunk...)
				}
			}
			return
		}
		seg := chunk[:i]
		chunk = chunk[i+1:]
		lr.line++
		switch {
		case lr.skipping:
			lr.skipping = false
			lr.tooLong()
		case len(lr.pending) > 0:
			if len(lr.pending)+len(seg) > MaxLineBytes {
				lr.pending = lr.pending[:0]
				lr.tooLong()
				continue
			}
			lr.pending = append(lr.pending, seg...)
			lr.decode(lr.pending)
			lr.pending = lr.pending[:0]
		default:
			lr.decode(seg)
		}
	}
}

// flush decodes a last line without a newline.
func (lr *lineReader) flush() {
	switch {
	case lr.skipping:
		lr.line++
		lr.skipping = false
		lr.tooLong()
	case len(bytes.TrimSpace(lr.pending)) > 0:
		lr.line++
		lr.decode(lr.pending)
	}
	lr.pending = lr.pending[:0]
}

func (lr *lineReader) tooLong() {
	lr.h.Malformed(Malformed{Position{lr.name, lr.line}, fmt.Errorf("line longer than %d bytes", MaxLineBytes)})
}

func (lr *lineReader) decode(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	pos := Position{lr.name, lr.line}
	if err := DecodeEvent(line, &lr.ev); err != nil {
		lr.h.Malformed(Malformed{pos, err})
		return
	}
	lr.h.Event(&lr.ev, pos)
}

// readChunk is the read size of the sources.
const readChunk = 256 << 10

// ReadEvents reads JSON-lines audit events from r until EOF or ctx ends;
// name is the file name (or "stdin") used in positions. Malformed lines go
// to h.Malformed and reading goes on. The error is a read error, or
// ctx.Err().
func ReadEvents(ctx context.Context, r io.Reader, name string, h Handler) error {
	lr := &lineReader{name: name, h: h}
	buf := make([]byte, readChunk)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		lr.feed(buf[:n])
		if errors.Is(err, io.EOF) {
			lr.flush()
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
}

// ReadFile reads the audit events of one file; see ReadEvents.
func ReadFile(ctx context.Context, file string, h Handler) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("opening audit log: %w", err)
	}
	defer f.Close()
	return ReadEvents(ctx, f, file, h)
}

// FollowOptions configure Follow.
type FollowOptions struct {
	// Poll is how often the file is checked for growth and rotation; 0
	// means 250ms.
	Poll time.Duration
	// FromEnd starts at the end of the file instead of its beginning;
	// line numbers then count from there.
	FromEnd bool
}

// Follow reads the audit events of file and then waits for more, like
// tail -F, until ctx ends (it then returns nil). It survives rotation
// without losing or repeating events:
//
//   - rename rotation (the API server's own, and logrotate's create mode):
//     when file names a new file, the old one, still open, is read to its
//     end first, then the new one from its start;
//   - truncation (logrotate's copytruncate): when the file shrinks below
//     the offset read, reading starts again at its start.
//
// A line is decoded only once its newline is written; an incomplete last
// line is decoded when the file is rotated away. Line numbers start at 1
// again in each new file. A missing file is waited for.
func Follow(ctx context.Context, file string, opts FollowOptions, h Handler) error {
	poll := opts.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	f, err := waitOpen(ctx, file, poll)
	if err != nil || f == nil {
		return err
	}
	defer func() { f.Close() }()
	if opts.FromEnd {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			return fmt.Errorf("seeking to the end of %s: %w", file, err)
		}
	}
	lr := &lineReader{name: file, h: h}
	buf := make([]byte, readChunk)
	var offset int64
	if opts.FromEnd {
		offset, _ = f.Seek(0, io.SeekCurrent)
	}
	// drain reads f to its current end.
	drain := func() error {
		for {
			n, err := f.Read(buf)
			offset += int64(n)
			lr.feed(buf[:n])
			if errors.Is(err, io.EOF) || (err == nil && n == 0) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reading %s: %w", file, err)
			}
		}
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for {
		if err := drain(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		cur, err := f.Stat()
		if err != nil {
			return fmt.Errorf("checking %s: %w", file, err)
		}
		st, err := os.Stat(file)
		switch {
		case err != nil:
			// Between rename and create: keep reading the old file.
			continue
		case !os.SameFile(cur, st):
			// Rotated: finish the old file, then switch.
			if err := drain(); err != nil {
				return err
			}
			lr.flush()
			next, err := os.Open(file)
			if err != nil {
				continue // renamed again already; retry on the next tick
			}
			f.Close()
			f, offset = next, 0
			lr = &lineReader{name: file, h: h}
		case cur.Size() < offset:
			// Truncated in place: start again.
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return fmt.Errorf("rewinding %s: %w", file, err)
			}
			offset = 0
			lr = &lineReader{name: file, h: h}
		}
	}
}

// waitOpen opens file, waiting for it to appear; nil without error when
// ctx ends first.
func waitOpen(ctx context.Context, file string, poll time.Duration) (*os.File, error) {
	for {
		f, err := os.Open(file)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("opening audit log: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(poll):
		}
	}
}
