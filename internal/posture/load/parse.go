package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
)

// Note is something the loader passed over without it being an error, such
// as a YAML document that is not a Kubernetes object.
type Note struct {
	// File is the file the note is about, as in posture.Source.File.
	File string
	// Line is the 1-based line, 0 when not known.
	Line int
	// Message says what was passed over and why.
	Message string
}

// String renders "file:line: message".
func (n Note) String() string { return location(n.File, n.Line) + ": " + n.Message }

// Error is a load error about one file.
type Error struct {
	// File is the file, as in posture.Source.File.
	File string
	// Line is the 1-based line, 0 when not known.
	Line int
	// Err is the cause.
	Err error
}

// Error renders "file:line: cause".
func (e *Error) Error() string { return location(e.File, e.Line) + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func location(file string, line int) string {
	if line > 0 {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

// ErrBinary is the cause of the error for a file that is not text.
var ErrBinary = errors.New("binary file, not a YAML or JSON manifest")

// Parse decodes the YAML documents or JSON values in data, naming them
// file, and calls fn for every Kubernetes object in order. It returns notes
// for documents it passed over and errors for broken documents; it goes on
// after a broken document. An error returned by fn stops the parse and is
// returned as the last error.
func Parse(file string, data []byte, fn func(*posture.Object) error) (notes []Note, errs []error) {
	if isBinary(data) {
		return nil, []error{&Error{File: file, Err: ErrBinary}}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	p := &parser{file: file, fn: fn}
	if first := firstNonSpace(data); first == '{' || first == '[' {
		p.parseJSON(data)
	} else {
		p.parseYAML(data)
	}
	return p.notes, p.errs
}

type parser struct {
	file    string
	fn      func(*posture.Object) error
	notes   []Note
	errs    []error
	stopped bool
}

func isBinary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	return !utf8.Valid(data)
}

func firstNonSpace(data []byte) byte {
	for _, b := range data {
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b
	}
	return 0
}

// parseYAML splits the stream at "---" lines and decodes each document.
func (p *parser) parseYAML(data []byte) {
	docStart, lineNo, contentLine := 0, 1, 0
	flush := func(end int, firstLine int) {
		if contentLine > 0 && !p.stopped {
			p.decodeYAML(data[docStart:end], firstLine, contentLine)
		}
	}
	firstLine := 1
	for pos := 0; pos < len(data); lineNo++ {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		line := data[pos:next]
		switch {
		case isMarker(line, "---"):
			flush(pos, firstLine)
			rest := bytes.TrimSpace(line[3:])
			docStart, firstLine, contentLine = next, lineNo+1, 0
			if len(rest) > 0 && rest[0] != '#' {
				// Content on the separator line: keep it in the document.
				docStart, firstLine, contentLine = pos+3, lineNo, lineNo
			}
		case isMarker(line, "..."):
			flush(pos, firstLine)
			docStart, firstLine, contentLine = next, lineNo+1, 0
		case contentLine == 0 && !isBlankOrComment(line):
			contentLine = lineNo
		}
		pos = next
	}
	flush(len(data), firstLine)
}

func isMarker(line []byte, marker string) bool {
	if !bytes.HasPrefix(line, []byte(marker)) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\n' || line[3] == '\r'
}

func isBlankOrComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n\ufeff")
	return len(t) == 0 || t[0] == '#' || t[0] == '%'
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// decodeYAML decodes one document; firstLine is the file line of the
// document's first byte, contentLine the line its content starts on.
func (p *parser) decodeYAML(doc []byte, firstLine, contentLine int) {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		line, msg := contentLine, err.Error()
		if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
			n, _ := strconv.Atoi(msg[m[2]:m[3]])
			line = firstLine + n - 1
			msg = msg[:m[0]] + msg[m[1]:]
		}
		msg = strings.TrimPrefix(strings.ReplaceAll(msg, ":  ", ": "), "yaml: ")
		msg = strings.TrimPrefix(msg, ": ")
		p.errs = append(p.errs, &Error{File: p.file, Line: line, Err: fmt.Errorf("parsing YAML: %s", msg)})
		return
	}
	if v == nil {
		return
	}
	p.emit(normalize(v), contentLine)
}

// parseJSON decodes a stream of JSON values.
func (p *parser) parseJSON(data []byte) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	line, counted := 1, 0
	for !p.stopped {
		start := int(dec.InputOffset())
		for start < len(data) && (data[start] == ' ' || data[start] == '\t' || data[start] == '\r' || data[start] == '\n') {
			start++
		}
		line += bytes.Count(data[counted:min(start, len(data))], []byte{'\n'})
		counted = min(start, len(data))
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			errLine := line
			var se *json.SyntaxError
			if errors.As(err, &se) {
				errLine = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte{'\n'})
			}
			p.errs = append(p.errs, &Error{File: p.file, Line: errLine, Err: fmt.Errorf("parsing JSON: %w", err)})
			return
		}
		if arr, ok := v.([]any); ok {
			for _, item := range arr {
				p.emit(normalize(item), line)
			}
			continue
		}
		p.emit(normalize(v), line)
	}
}

// emit turns a decoded document into objects: a List is flattened, a
// document without apiVersion or kind becomes a note.
func (p *parser) emit(v any, line int) {
	m, ok := v.(map[string]any)
	if !ok {
		p.notes = append(p.notes, Note{File: p.file, Line: line, Message: "skipped: document is not a mapping, so not a Kubernetes object"})
		return
	}
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	if apiVersion == "" || kind == "" {
		p.notes = append(p.notes, Note{File: p.file, Line: line, Message: "skipped: not a Kubernetes object (no apiVersion or kind)"})
		return
	}
	if items, ok := m["items"].([]any); ok && strings.HasSuffix(kind, "List") {
		for _, item := range items {
			p.emit(item, line)
		}
		return
	}
	if p.stopped {
		return
	}
	obj := &posture.Object{U: &unstructured.Unstructured{Object: m}, Source: posture.Source{File: p.file, Line: line}}
	if err := p.fn(obj); err != nil {
		p.errs = append(p.errs, err)
		p.stopped = true
	}
}

// normalize converts decoded YAML or JSON into the types of unstructured
// objects: string-keyed maps, int64 and float64 numbers.
func normalize(v any) any {
	switch t := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, val := range t {
			m[keyString(k)] = normalize(val)
		}
		return m
	case map[string]any:
		for k, val := range t {
			t[k] = normalize(val)
		}
		return t
	case []any:
		for i, val := range t {
			t[i] = normalize(val)
		}
		return t
	case int:
		return int64(t)
	case uint64:
		if t > math.MaxInt64 {
			return float64(t)
		}
		return int64(t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

func keyString(k any) string {
	switch t := k.(type) {
	case string:
		return t
	case nil:
		return "null"
	}
	return fmt.Sprint(k)
}
