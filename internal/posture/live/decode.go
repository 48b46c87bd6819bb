package live

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// The JSON decoder of LIST responses.
//
// The dynamic client decodes a page several times over (to find its kind,
// to split the items, to build the list's map, then each item) and keeps
// what the checks never read: status, managedFields and kubectl's
// last-applied copy of the manifest, often most of an object's bytes.
// Profiles of a scan of 20,000 objects showed that decoding took about
// three quarters of the scan's CPU. listDecoder reads a page once, skips
// those fields without building them, and shares the strings of repeated
// keys and short values. Its output is what the dynamic client's
// decoder (sigs.k8s.io/json, integers kept as int64) yields for the same
// bytes, minus the skipped fields; decode_test.go checks that on real
// objects and on arbitrary JSON.

// maxDepth bounds the nesting of JSON values, as encoding/json does.
const maxDepth = 10000

// maxInterned bounds the strings a decoder shares, so that a resource
// with many distinct keys (ConfigMap data, labels) cannot grow it without
// limit.
const maxInterned = 8192

// maxInternedLen is the longest value string that is shared; keys of any
// length up to maxInternedKeyLen are.
const maxInternedLen, maxInternedKeyLen = 24, 96

// mode says which fields of an object are skipped.
type mode uint8

const (
	modePlain       mode = iota // keep every field
	modeItem                    // a list item: skip status
	modeMeta                    // an item's metadata: skip managedFields
	modeAnnotations             // an item's annotations: skip last-applied
)

// child returns the mode of the value of key in an object of mode m, and
// whether the value is skipped.
func (m mode) child(key string) (mode, bool) {
	switch m {
	case modeItem:
		switch key {
		case "status":
			return modePlain, true
		case "metadata":
			return modeMeta, false
		}
	case modeMeta:
		switch key {
		case "managedFields":
			return modePlain, true
		case "annotations":
			return modeAnnotations, false
		}
	case modeAnnotations:
		if key == lastApplied {
			return modePlain, true
		}
	}
	return modePlain, false
}

// listDecoder decodes the JSON of LIST responses. Reuse one for the pages
// of a resource (it keeps the shared strings); it is not safe for
// concurrent use.
type listDecoder struct {
	data  []byte
	pos   int
	depth int
	strs  map[string]string
}

func newListDecoder() *listDecoder { return &listDecoder{strs: make(map[string]string, 256)} }

// decode decodes a list body, calls item with each element of its items
// (status, managedFields and the last-applied annotation left out) and
// returns the list's metadata.continue.
func (d *listDecoder) decode(body []byte, item func(map[string]any)) (cont string, err error) {
	d.data, d.pos, d.depth = body, 0, 0
	defer func() { d.data = nil }()
	if err := d.expect('{'); err != nil {
		return "", err
	}
	first := true
	for {
		d.skipSpace()
		if d.peek() == '}' {
			d.pos++
			break
		}
		if !first {
			if err := d.expect(','); err != nil {
				return "", err
			}
		}
		first = false
		key, err := d.key()
		if err != nil {
			return "", err
		}
		switch key {
		case "items":
			if err := d.items(item); err != nil {
				return "", err
			}
		case "metadata":
			v, err := d.value(modePlain)
			if err != nil {
				return "", err
			}
			if m, ok := v.(map[string]any); ok {
				cont, _ = m["continue"].(string)
			}
		default:
			if err := d.skip(); err != nil {
				return "", err
			}
		}
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return "", d.syntaxError("after top-level value")
	}
	return cont, nil
}

// items decodes the items array (or null), handing over each object.
func (d *listDecoder) items(item func(map[string]any)) error {
	d.skipSpace()
	if d.peek() == 'n' {
		return d.literal("null")
	}
	if err := d.expect('['); err != nil {
		return err
	}
	d.skipSpace()
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for {
		v, err := d.value(modeItem)
		if err != nil {
			return err
		}
		switch m := v.(type) {
		case map[string]any:
			item(m)
		case nil: // the dynamic client makes an empty object of a null item: nothing to scan
		default:
			return fmt.Errorf("decoding list: an item is a %T, not an object", v)
		}
		d.skipSpace()
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return nil
		default:
			return d.syntaxError("after array element")
		}
	}
}

// value decodes one value.
func (d *listDecoder) value(m mode) (any, error) {
	d.skipSpace()
	switch c := d.peek(); {
	case c == '{':
		return d.object(m)
	case c == '[':
		return d.array()
	case c == '"':
		return d.str(maxInternedLen)
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	default:
		return nil, d.syntaxError("looking for beginning of value")
	}
}

func (d *listDecoder) object(m mode) (map[string]any, error) {
	if d.depth++; d.depth > maxDepth {
		return nil, fmt.Errorf("decoding list: exceeded max depth at offset %d", d.pos)
	}
	d.pos++ // '{'
	out := make(map[string]any)
	d.skipSpace()
	if d.peek() == '}' {
		d.pos++
		d.depth--
		return out, nil
	}
	for {
		key, err := d.key()
		if err != nil {
			return nil, err
		}
		cm, skip := m.child(key)
		if skip {
			if err := d.skip(); err != nil {
				return nil, err
			}
		} else {
			v, err := d.value(cm)
			if err != nil {
				return nil, err
			}
			out[key] = v
		}
		d.skipSpace()
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return out, nil
		default:
			return nil, d.syntaxError("after object key:value pair")
		}
	}
}

func (d *listDecoder) array() ([]any, error) {
	if d.depth++; d.depth > maxDepth {
		return nil, fmt.Errorf("decoding list: exceeded max depth at offset %d", d.pos)
	}
	d.pos++ // '['
	out := make([]any, 0)
	d.skipSpace()
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return out, nil
	}
	for {
		v, err := d.value(modePlain)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		d.skipSpace()
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return out, nil
		default:
			return nil, d.syntaxError("after array element")
		}
	}
}

// key decodes an object key and the colon after it.
func (d *listDecoder) key() (string, error) {
	d.skipSpace()
	if d.peek() != '"' {
		return "", d.syntaxError("looking for beginning of object key string")
	}
	k, err := d.str(maxInternedKeyLen)
	if err != nil {
		return "", err
	}
	return k, d.expect(':')
}

// str decodes a string at d.pos ('"'), sharing it when it is at most
// internLen bytes long.
func (d *listDecoder) str(internLen int) (string, error) {
	start := d.pos + 1
	i := start
	var plain byte // OR of the bytes: >= 0x80 means non-ASCII
	escaped := false
	for ; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			d.pos = i
			return "", d.syntaxError("in string literal")
		}
		if c == '\\' {
			escaped = true
			i++
			continue
		}
		plain |= c
	}
	if i >= len(d.data) {
		return "", fmt.Errorf("decoding list: unexpected end of JSON input")
	}
	raw := d.data[start:i]
	d.pos = i + 1
	if escaped || (plain >= utf8.RuneSelf && !utf8.Valid(raw)) {
		// Escapes and invalid UTF-8 are rare: let encoding/json apply its
		// rules (sigs.k8s.io/json's are a copy of them).
		var s string
		if err := json.Unmarshal(d.data[start-1:i+1], &s); err != nil {
			return "", fmt.Errorf("decoding list: string at offset %d: %w", start-1, err)
		}
		return s, nil
	}
	if len(raw) > internLen {
		return string(raw), nil
	}
	if s, ok := d.strs[string(raw)]; ok {
		return s, nil
	}
	s := string(raw)
	if len(d.strs) < maxInterned {
		d.strs[s] = s
	}
	return s, nil
}

// number decodes a number as sigs.k8s.io/json does with PreserveInts:
// int64 when it has no fraction and fits, float64 otherwise.
func (d *listDecoder) number() (any, error) {
	start := d.pos
	i := start
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	switch {
	case i < len(d.data) && d.data[i] == '0':
		i++
	case i < len(d.data) && d.data[i] >= '1' && d.data[i] <= '9':
		for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
		}
	default:
		d.pos = i
		return nil, d.syntaxError("in numeric literal")
	}
	intEnd := i
	dot := false
	if i < len(d.data) && d.data[i] == '.' {
		dot = true
		i++
		if !isDigit(d.data, i) {
			d.pos = i
			return nil, d.syntaxError("after decimal point in numeric literal")
		}
		for isDigit(d.data, i) {
			i++
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if !isDigit(d.data, i) {
			d.pos = i
			return nil, d.syntaxError("in exponent of numeric literal")
		}
		for isDigit(d.data, i) {
			i++
		}
	}
	d.pos = i
	lit := d.data[start:i]
	if i == intEnd && len(lit) <= 18 { // no fraction or exponent; fits in int64
		var n int64
		digits := lit
		if lit[0] == '-' {
			digits = lit[1:]
		}
		for _, c := range digits {
			n = n*10 + int64(c-'0')
		}
		if lit[0] == '-' {
			n = -n
		}
		return n, nil
	}
	s := string(lit)
	if !dot {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("decoding list: number %s at offset %d: %w", s, start, err)
	}
	return f, nil
}

func isDigit(data []byte, i int) bool { return i < len(data) && data[i] >= '0' && data[i] <= '9' }

// skip passes over one value without building it, checking its syntax.
func (d *listDecoder) skip() error {
	d.skipSpace()
	switch c := d.peek(); c {
	case '{', '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		if d.depth++; d.depth > maxDepth {
			return fmt.Errorf("decoding list: exceeded max depth at offset %d", d.pos)
		}
		d.pos++
		d.skipSpace()
		if d.peek() == closing {
			d.pos++
			d.depth--
			return nil
		}
		for {
			if c == '{' {
				if d.skipSpace(); d.peek() != '"' {
					return d.syntaxError("looking for beginning of object key string")
				}
				if err := d.skipString(); err != nil {
					return err
				}
				if err := d.expect(':'); err != nil {
					return err
				}
			}
			if err := d.skip(); err != nil {
				return err
			}
			d.skipSpace()
			switch d.peek() {
			case ',':
				d.pos++
			case closing:
				d.pos++
				d.depth--
				return nil
			default:
				return d.syntaxError("after value in object or array")
			}
		}
	case '"':
		return d.skipString()
	default:
		_, err := d.value(modePlain) // literals and numbers are small
		return err
	}
}

// skipString passes over a string, checking its syntax as str does but
// building nothing.
func (d *listDecoder) skipString() error {
	for i := d.pos + 1; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return nil
		case c == '\\':
			i++
			if i >= len(d.data) {
				break
			}
			switch d.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d.data) || !isHex(d.data[i+1:i+5]) {
					d.pos = i
					return d.syntaxError("in \\u hexadecimal character escape")
				}
				i += 4
			default:
				d.pos = i
				return d.syntaxError("in string escape code")
			}
		case c < 0x20:
			d.pos = i
			return d.syntaxError("in string literal")
		}
	}
	return fmt.Errorf("decoding list: unexpected end of JSON input")
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func (d *listDecoder) literal(lit string) error {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return d.syntaxError("in literal " + lit)
	}
	d.pos += len(lit)
	return nil
}

func (d *listDecoder) expect(c byte) error {
	d.skipSpace()
	if d.peek() != c {
		return d.syntaxError(fmt.Sprintf("looking for %q", c))
	}
	d.pos++
	return nil
}

func (d *listDecoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the byte at d.pos, 0 at the end.
func (d *listDecoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *listDecoder) syntaxError(where string) error {
	if d.pos >= len(d.data) {
		return fmt.Errorf("decoding list: unexpected end of JSON input")
	}
	return fmt.Errorf("decoding list: invalid character %q %s at offset %d", d.data[d.pos], where, d.pos)
}
