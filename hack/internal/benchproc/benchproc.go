package benchproc

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// Run runs `self args...` (the benchmark re-executing itself in a
// measurement mode), decodes the JSON it prints into out and returns the
// child's peak RSS as the kernel's rusage reports it, in KiB.
func Run(self string, out any, args ...string) (maxRSSKiB int64, err error) {
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("running measurement %v: %w", args, err)
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		return 0, fmt.Errorf("reading measurement %v: %w", args, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSSKiB = ru.Maxrss // KiB on Linux
	}
	return maxRSSKiB, nil
}

// SelfHWMKiB returns this process's peak resident set size (VmHWM), in
// KiB, or 0 where there is no /proc.
func SelfHWMKiB() int64 {
	kib, _ := HWMKiB("self")
	return kib
}

// HWMKiB returns the peak resident set size (VmHWM) of process pid ("self"
// or a number), in KiB.
func HWMKiB(pid string) (int64, error) {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, fmt.Errorf("reading process status: %w", err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kib, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parsing %q: %w", line, err)
			}
			return kib, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// PeakMiB is the larger of two peak RSS readings in KiB, in MiB.
func PeakMiB(a, b int64) float64 { return float64(max(a, b)) / 1024 }
