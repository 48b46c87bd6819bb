package matrix

import (
	"strings"
	"unicode/utf8"
)

// wrap breaks text into lines of at most width runes: at spaces where it
// can, after a '/' or '-' inside a word longer than width next, and inside
// the word where it must. It always returns at least one line.
func wrap(text string, width int) []string {
	width = max(width, 1)
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		for utf8.RuneCountInString(word) > width {
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			head, tail := breakWord(word, width)
			lines = append(lines, head)
			word = tail
		}
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// breakWord splits a word longer than width after the last '/' or '-'
// within the first width runes, or else after width runes.
func breakWord(word string, width int) (string, string) {
	head, _ := splitRunes(word, width)
	if i := strings.LastIndexAny(head, "/-"); i > 0 {
		return word[:i+1], word[i+1:]
	}
	return splitRunes(word, width)
}

// longestSegment returns the length in runes of the longest piece of s
// that wrap never breaks: words, further split after '/' and '-'.
func longestSegment(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		for _, seg := range strings.SplitAfter(strings.ReplaceAll(w, "/", "-"), "-") {
			n = max(n, utf8.RuneCountInString(seg))
		}
	}
	return n
}

// splitRunes splits s after n runes.
func splitRunes(s string, n int) (string, string) {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], s[pos:]
		}
		i++
	}
	return s, ""
}

// pad right-pads s with spaces to width runes.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// writeWrapped writes text wrapped to width, each line prefixed by indent
// (the indent counts towards the width).
func writeWrapped(b *strings.Builder, text string, width int, indent string) {
	for _, l := range wrap(text, width-utf8.RuneCountInString(indent)) {
		b.WriteString(strings.TrimRight(indent+l, " "))
		b.WriteByte('\n')
	}
}
