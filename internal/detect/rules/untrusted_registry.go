package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// UntrustedRegistry reports pods and workloads written with an image from
// a registry that is not trusted.
var UntrustedRegistry = detect.Rule{
	ID:         "untrusted-registry-image",
	Title:      "Image from an untrusted registry",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9002", "MS-TA9037"},
	Description: "Reports pods and workloads created, updated or patched by anyone but the control " +
		"plane with an image whose registry or repository is not in the configured trustedRegistries " +
		"(hosts such as ghcr.io, or prefixes such as docker.io/library; short names like nginx are " +
		"docker.io/library/nginx). An image from an unknown or private registry is how a planted or " +
		"compromised image reaches the cluster; whether its content is malicious takes a scanner. " +
		"Without trustedRegistries the rule is off.",
	Response: "Check where the image comes from and who pushed it; add the registry to trustedRegistries or enforce it with an admission policy.",
	Needs:    []detect.Need{needPodBodies},
	Match:    untrustedRegistry,
}

func untrustedRegistry(ev *detect.Event, s *detect.Settings) (string, bool) {
	if len(s.TrustedRegistries) == 0 {
		return "", false
	}
	spec := podWrite(ev)
	if spec == nil {
		return "", false
	}
	for _, c := range spec.AllContainers() {
		if c.Image == "" {
			continue
		}
		if registry, ok := trustedImage(c.Image, s.TrustedRegistries); !ok {
			return fmt.Sprintf("%s runs container %q from registry %s, which is not trusted", objectName(ev), c.Name, registry), true
		}
	}
	return "", false
}

// trustedImage reports whether image comes from one of trusted (registry
// hosts or repository prefixes, path.Match patterns), and returns its
// registry host.
func trustedImage(image string, trusted []string) (string, bool) {
	registry, repo := splitImage(image)
	full := registry + "/" + repo
	for _, p := range trusted {
		p = strings.TrimSuffix(p, "/")
		if ok, _ := path.Match(p, registry); ok {
			return registry, true
		}
		// A repository prefix matches whole path segments.
		segs := strings.Count(p, "/") + 1
		parts := strings.SplitN(full, "/", segs+1)
		if len(parts) > segs {
			if ok, _ := path.Match(p, strings.Join(parts[:segs], "/")); ok {
				return registry, true
			}
		}
	}
	return registry, false
}

// splitImage splits an image reference into its registry host and
// repository, without tag or digest, as the container runtime resolves
// it: a first segment without "." or ":" (and not "localhost") is a
// Docker Hub repository, and a single segment is in library/.
func splitImage(image string) (registry, repo string) {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	first, rest, found := strings.Cut(image, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		registry, repo = first, rest
	} else {
		registry, repo = "docker.io", image
		if !found {
			repo = "library/" + image
		}
	}
	if i := strings.LastIndexByte(repo, ':'); i >= 0 {
		repo = repo[:i]
	}
	if registry == "index.docker.io" || registry == "registry-1.docker.io" {
		registry = "docker.io"
	}
	return registry, repo
}
