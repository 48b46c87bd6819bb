package e2e

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

func trimNL(s string) string { return strings.TrimRight(s, "\n") }

// pidGone reports whether a process has ended (zombies count as ended).
func pidGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && (f[0] == "Z" || f[0] == "X")
}
