package benchproc

import (
	"math"
	"testing"
)

func TestParseSystemCPU(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	before, err := parseSystemCPU("cpu  1000 0 200 500 100 0 0 200 50 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n")
	if err != nil {
		t.Fatal(err)
	}
	if before.Total != 20 || before.Idle != 6 || before.Steal != 2 {
		t.Errorf("got %+v, want total 20 s (guest left out), idle 6 s, steal 2 s", before)
	}
	after, err := parseSystemCPU("cpu  1300 0 200 500 100 0 0 300 50 0\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := StealShare(before, after); math.Abs(got-0.25) > 1e-9 {
		t.Errorf("steal share %v, want 0.25 (1 s of 4 s)", got)
	}
	if got := BusyShare(before, after); math.Abs(got-1) > 1e-9 {
		t.Errorf("busy share %v, want 1 (no idle time between the readings)", got)
	}
	idle, err := parseSystemCPU("cpu  1300 0 200 800 100 0 0 300 50 0\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := BusyShare(after, idle); math.Abs(got-0) > 1e-9 {
		t.Errorf("busy share %v, want 0 (only idle time between the readings)", got)
	}
	if got := BusyShare(before, idle); math.Abs(got-4.0/7) > 1e-9 {
		t.Errorf("busy share %v, want 4/7 (4 s busy or stolen of 7 s)", got)
	}
	if got := StealShare(after, after); got != 0 {
		t.Errorf("steal share without elapsed time %v, want 0", got)
	}
	for _, bad := range []string{"", "intr 1 2 3\n", "cpu 1 2 x 4 5 6 7 8\n", "cpu 1 2 3\n"} {
		if _, err := parseSystemCPU(bad); err == nil {
			t.Errorf("parseSystemCPU(%q) = nil error, want one", bad)
		}
	}
}
