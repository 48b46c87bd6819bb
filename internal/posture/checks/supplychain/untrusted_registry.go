package supplychain

import (
	"fmt"
	"net"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// RegistryOptions configure UntrustedRegistry.
type RegistryOptions struct {
	// Allowed are the trusted registries or registry path prefixes, for
	// example "registry.example.com" or "ghcr.io/landfall-dev". An image
	// whose registry/repository does not start with one of them is flagged.
	// When empty, no allow-list applies and only ad-hoc registries (IP
	// addresses and localhost) are flagged, since a scanner cannot know an
	// organization's registries.
	Allowed []string
}

// UntrustedRegistry returns the check with the given options; Checks uses
// the zero options.
func UntrustedRegistry(opts RegistryOptions) posture.Check {
	return posture.Check{
		ID:         "image-untrusted-registry",
		Title:      "Image from untrusted registry",
		Severity:   posture.SeverityMedium,
		Techniques: []string{"MS-TA9002"},
		Kinds:      posture.PodSpecKinds,
		Description: "Flags images from registries outside the configured allow-list; with no " +
			"allow-list, images pulled from an IP address or localhost, which attackers use to " +
			"serve implants and miners outside any registry controls.",
		Remediation: "Pull images only from the organization's trusted registries, mirroring third-party images there, and enforce it with admission policy.",
		Run:         posture.PerContainer(func(c posture.Container) []posture.Violation { return untrusted(opts, c) }),
	}
}

func untrusted(opts RegistryOptions, c posture.Container) []posture.Violation {
	image := posture.Str(c.Map, "image")
	if image == "" {
		return nil
	}
	ref := parseImage(image)
	full := ref.Registry + "/" + ref.Repository
	var why string
	if len(opts.Allowed) > 0 {
		for _, a := range opts.Allowed {
			if a = strings.TrimSuffix(a, "/"); full == a || strings.HasPrefix(full, a+"/") || ref.Registry == a {
				return nil
			}
		}
		why = "is not on the allow-list"
	} else {
		host, _, err := net.SplitHostPort(ref.Registry)
		if err != nil {
			host = ref.Registry
		}
		if net.ParseIP(host) == nil && host != "localhost" {
			return nil
		}
		why = "is an IP address or localhost, not a managed registry"
	}
	return []posture.Violation{{
		Path:    c.At("image"),
		Message: fmt.Sprintf("container %q pulls %s from registry %s, which %s", c.Name, image, ref.Registry, why),
	}}
}
