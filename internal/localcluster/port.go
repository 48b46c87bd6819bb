package localcluster

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// lowestPort is the lowest port FreePort picks: above the registered
// ports most services use.
const lowestPort = 10000

// FreePort returns a loopback port that is free now, for a process that
// binds it a moment later. It picks at random below the kernel's
// ephemeral range, not from "127.0.0.1:0": that port comes from the
// ephemeral range, from which every outgoing connection on the machine
// also takes its local port, and on a busy machine (tests of several
// packages starting control planes at once) one of them took a port in
// the seconds before kube-scheduler bound it. Below the range only
// another program that picks ports itself can take it, and at random
// among more than 20,000 ports that is unlikely. Without room below the
// range it falls back to the kernel's pick.
func FreePort() (int, error) {
	lo, hi := lowestPort, ephemeralStart()-1
	for range 100 {
		if hi-lo < 1000 {
			break
		}
		p := lo + rand.IntN(hi-lo+1) //nolint:gosec // G404: a port pick, not a secret
		if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p))); err == nil {
			_ = l.Close()
			return p, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// FreeAddr returns a loopback address ("127.0.0.1:port") whose port
// FreePort picked.
func FreeAddr() (string, error) {
	p, err := FreePort()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil
}

// ephemeralStart returns the first port of the kernel's ephemeral range
// (Linux's default when it cannot be read).
func ephemeralStart() int {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	return parsePortRangeStart(string(data))
}

// parsePortRangeStart parses "low<TAB>high" as the kernel writes it.
func parsePortRangeStart(s string) int {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 32768
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || n > 65535 {
		return 32768
	}
	return n
}
