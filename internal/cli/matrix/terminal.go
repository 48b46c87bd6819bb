package matrix

import (
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// defaultWidth is the grid width when the output is not a terminal and
// $COLUMNS is not set.
const defaultWidth = 160

// minWidth is the smallest width the renderers accept.
const minWidth = 20

// terminal describes where output goes.
type terminal struct {
	// width is the number of columns to fit.
	width int
	// color says whether ANSI colours may be used.
	color bool
}

// detectTerminal inspects w and the environment. getenv is os.Getenv in
// production and a stub in tests.
func detectTerminal(w io.Writer, getenv func(string) string) terminal {
	t := terminal{width: defaultWidth}
	f, isFile := w.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	if tty {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			t.width = cols
		}
		t.color = getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	}
	if cols, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && cols > 0 {
		t.width = cols
	}
	t.width = max(t.width, minWidth)
	return t
}

// ANSI styles used on terminals.
const (
	styleNone   = ""
	styleBold   = "\x1b[1m"
	styleDim    = "\x1b[2m"
	styleGreen  = "\x1b[32m"
	styleYellow = "\x1b[33m"
	styleReset  = "\x1b[0m"
)

// paint wraps s in style when color is on.
func paint(color bool, style, s string) string {
	if !color || style == styleNone || s == "" {
		return s
	}
	return style + s + styleReset
}
