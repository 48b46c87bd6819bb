package benchproc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; it is 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// CPUSeconds returns the user plus system CPU time process pid ("self" or
// a number) has used so far, in seconds.
func CPUSeconds(pid string) (float64, error) {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, fmt.Errorf("reading process stat: %w", err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields after its closing parenthesis. utime and stime are
	// fields 14 and 15, so the 12th and 13th after it.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("parsing process stat: %d fields", len(f))
	}
	var ticks float64
	for _, field := range f[11:13] {
		n, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parsing process stat: %w", err)
		}
		ticks += float64(n)
	}
	return ticks / clockTicks, nil
}

// SystemCPU is the machine's CPU time so far, over all CPUs, in seconds.
type SystemCPU struct {
	// Total is every state's time: busy, idle, waiting and stolen.
	Total float64
	// Idle is idle time, I/O wait included.
	Idle float64
	// Steal is time the hypervisor gave to other guests while this one
	// wanted to run: on a shared VM it makes the same work take longer.
	Steal float64
}

// ReadSystemCPU reads /proc/stat.
func ReadSystemCPU() (SystemCPU, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return SystemCPU{}, fmt.Errorf("reading /proc/stat: %w", err)
	}
	return parseSystemCPU(string(data))
}

// parseSystemCPU parses the aggregate "cpu" line of /proc/stat: user,
// nice, system, idle, iowait, irq, softirq, steal, ... in USER_HZ ticks.
func parseSystemCPU(stat string) (SystemCPU, error) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return SystemCPU{}, fmt.Errorf("parsing /proc/stat: no aggregate cpu line with 8 times")
	}
	var c SystemCPU
	for i, field := range f[1:] {
		n, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return SystemCPU{}, fmt.Errorf("parsing /proc/stat field %d: %w", i+1, err)
		}
		t := float64(n) / clockTicks
		switch i {
		case 3, 4:
			c.Idle += t
		case 7:
			c.Steal += t
		case 8, 9:
			// guest and guest_nice are already in user and nice.
			continue
		}
		c.Total += t
	}
	return c, nil
}

// BusyShare returns the share of CPU time spent neither idle nor waiting
// for I/O between two readings: near 1, the work was bound by the CPU.
func BusyShare(before, after SystemCPU) float64 {
	if d := after.Total - before.Total; d > 0 {
		return 1 - (after.Idle-before.Idle)/d
	}
	return 0
}

// StealShare returns the share of CPU time stolen between two readings.
func StealShare(before, after SystemCPU) float64 {
	if d := after.Total - before.Total; d > 0 {
		return (after.Steal - before.Steal) / d
	}
	return 0
}
