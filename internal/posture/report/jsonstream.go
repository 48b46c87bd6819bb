package report

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
)

// jsonStream writes an indented JSON object field by field, so that large
// arrays (findings, SARIF results) are encoded one element at a time instead
// of being built in memory whole. Its output is byte-for-byte what
// json.Encoder with SetIndent("", "  ") writes for the same value.
type jsonStream struct {
	w     *bufio.Writer
	err   error
	depth int
	first []bool // per open object or array: no member written yet
}

func newJSONStream(w io.Writer) *jsonStream {
	return &jsonStream{w: bufio.NewWriter(w)}
}

func (j *jsonStream) indent() string { return strings.Repeat("  ", j.depth) }

func (j *jsonStream) write(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

// open starts an object or array ("{" or "["), as the value of key when
// key is not empty.
func (j *jsonStream) open(key, bracket string) {
	j.member(key)
	j.write(bracket)
	j.depth++
	j.first = append(j.first, true)
}

// close ends the innermost object or array.
func (j *jsonStream) close(bracket string) {
	empty := j.first[len(j.first)-1]
	j.first = j.first[:len(j.first)-1]
	j.depth--
	if !empty {
		j.write("\n" + j.indent())
	}
	j.write(bracket)
}

// member writes the separator and, inside an object, the key.
func (j *jsonStream) member(key string) {
	if len(j.first) == 0 {
		return
	}
	if j.first[len(j.first)-1] {
		j.first[len(j.first)-1] = false
		j.write("\n")
	} else {
		j.write(",\n")
	}
	j.write(j.indent())
	if key != "" {
		k, _ := json.Marshal(key)
		j.write(string(k) + ": ")
	}
}

// value writes v, as the value of key when key is not empty.
func (j *jsonStream) value(key string, v any) {
	j.member(key)
	if j.err != nil {
		return
	}
	data, err := json.MarshalIndent(v, j.indent(), "  ")
	if err != nil {
		j.err = err
		return
	}
	j.write(string(data))
}

// finish ends the document with a newline, as json.Encoder does, and
// flushes.
func (j *jsonStream) finish() error {
	j.write("\n")
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}

// streamArray writes key: [ ... ] with one element per item.
func streamArray[T any](j *jsonStream, key string, n int, item func(i int) T) {
	j.open(key, "[")
	for i := range n {
		j.value("", item(i))
	}
	j.close("]")
}
