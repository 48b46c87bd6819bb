package supplychain

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// minerMarkers are substrings of images, commands and arguments of common
// cryptocurrency miners.
var minerMarkers = []string{"xmrig", "xmr-stak", "minerd", "cpuminer", "cgminer", "nbminer",
	"ethminer", "t-rex", "lolminer", "stratum+tcp://", "stratum+ssl://", "nanopool", "moneroocean", "c3pool"}

// Cryptominer flags containers that run a known cryptocurrency miner.
var Cryptominer = posture.Check{
	ID:         "cryptominer-container",
	Title:      "Cryptocurrency miner",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9039"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers whose image, command or arguments name a known miner " +
		"(xmrig, cpuminer, ...) or a mining pool (stratum+tcp://). Miners are the most common " +
		"payload of cluster compromises.",
	Remediation: "Delete the workload, find out how it was deployed, and rotate the credentials that allowed it.",
	Run:         posture.PerContainer(cryptominer),
}

func cryptominer(c posture.Container) []posture.Violation {
	fields := []string{"image"}
	values := [][]string{{posture.Str(c.Map, "image")}}
	for _, f := range []string{"command", "args"} {
		fields = append(fields, f)
		values = append(values, posture.Strings(c.Map, f))
	}
	for i, vs := range values {
		for _, v := range vs {
			lower := strings.ToLower(v)
			for _, m := range minerMarkers {
				if strings.Contains(lower, m) {
					return []posture.Violation{{
						Path:    c.At(fields[i]),
						Message: fmt.Sprintf("container %q looks like a cryptominer (%s mentions %s)", c.Name, fields[i], m),
					}}
				}
			}
		}
	}
	return nil
}
