package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/landfall-dev/landfall/internal/localcluster"
)

// sample is one measurement.
type sample struct {
	// wall is the elapsed time.
	wall time.Duration
	// cpu is the user and system CPU time of the measured client.
	cpu time.Duration
	// server is the CPU time kube-apiserver and etcd spent meanwhile.
	server time.Duration
	// rssKiB is the client's peak RSS; 0 when not measured.
	rssKiB int64
}

// series are the samples of one measurement over the rounds.
type series struct {
	name    string
	samples []sample
}

// medianOf returns the median of one field of the samples.
func (s *series) medianOf(field func(sample) time.Duration) time.Duration {
	ds := make([]time.Duration, len(s.samples))
	for i, x := range s.samples {
		ds[i] = field(x)
	}
	return median(ds)
}

func (s *series) wall() time.Duration {
	return s.medianOf(func(x sample) time.Duration { return x.wall })
}

func (s *series) minMax() (time.Duration, time.Duration) {
	lo, hi := s.samples[0].wall, s.samples[0].wall
	for _, x := range s.samples {
		lo, hi = min(lo, x.wall), max(hi, x.wall)
	}
	return lo, hi
}

// peakKiB is the largest peak RSS of the samples.
func (s *series) peakKiB() int64 {
	var kib int64
	for _, x := range s.samples {
		kib = max(kib, x.rssKiB)
	}
	return kib
}

// row writes the series as a row of the table: times, throughput, CPU,
// peak RSS and the ratio to floor's median time (unless floor is nil).
func (s *series) row(w io.Writer, objects int, floor *series) {
	rss, ratio := "-", "-"
	if kib := s.peakKiB(); kib > 0 {
		rss = fmt.Sprintf("%.1f", float64(kib)/1024)
	}
	if floor != nil {
		ratio = fmt.Sprintf("%.2fx", s.wall().Seconds()/floor.wall().Seconds())
	}
	lo, hi := s.minMax()
	fmt.Fprintf(w, "%s\t%.3f\t%.3f\t%.3f\t%.0f\t%.2f\t%.2f\t%s\t%s\t\n", s.name, s.wall().Seconds(), lo.Seconds(), hi.Seconds(),
		float64(objects)/s.wall().Seconds(), s.medianOf(func(x sample) time.Duration { return x.cpu }).Seconds(),
		s.medianOf(func(x sample) time.Duration { return x.server }).Seconds(), rss, ratio)
}

// median returns the middle duration (the upper one of an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// serverClock reads the CPU time of the control plane's API server and
// etcd, to show how a measurement's time splits between client and server.
type serverClock struct{ pids []int }

func newServerClock(c *localcluster.Cluster) serverClock {
	var sc serverClock
	for _, p := range c.Processes() {
		if p.Name == localcluster.KubeAPIServer || p.Name == localcluster.Etcd {
			sc.pids = append(sc.pids, p.PID)
		}
	}
	return sc
}

// read returns the CPU time used so far; 0 where there is no /proc.
func (sc serverClock) read() time.Duration {
	var total time.Duration
	for _, pid := range sc.pids {
		d, err := procCPU(pid)
		if err != nil {
			return 0
		}
		total += d
	}
	return total
}

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// procCPU returns the user and system CPU time of a process from
// /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("reading process stat: %w", err)
	}
	// The command name (field 2) may hold spaces; fields after its
	// closing parenthesis start at field 3 (state).
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parsing /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// selfCPU returns this process's user and system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return rusageCPU(&ru)
}

func rusageCPU(ru *syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
