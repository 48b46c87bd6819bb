package localcluster

import (
	"net"
	"strconv"
	"testing"
)

func TestParsePortRangeStart(t *testing.T) {
	for in, want := range map[string]int{
		"32768\t60999\n": 32768,
		"1024 65535":     1024,
		"":               32768,
		"x 60999":        32768,
		"0 60999":        32768,
		"32768":          32768,
	} {
		if got := parsePortRangeStart(in); got != want {
			t.Errorf("parsePortRangeStart(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestFreePort_BelowTheEphemeralRange(t *testing.T) {
	start := ephemeralStart()
	if start-lowestPort < 1000 {
		t.Skipf("no room below the ephemeral range (starts at %d)", start)
	}
	for range 20 {
		p, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if p < lowestPort || p >= start {
			t.Fatalf("FreePort() = %d, want a port in [%d, %d)", p, lowestPort, start)
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("port %d is not free: %v", p, err)
		}
		_ = l.Close()
	}
}
