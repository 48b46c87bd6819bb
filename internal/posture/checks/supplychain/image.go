package supplychain

import "strings"

// imageRef is a parsed container image reference.
type imageRef struct {
	// Registry is the registry host, "docker.io" when the reference has
	// none.
	Registry string
	// Repository is the path inside the registry.
	Repository string
	// Tag is the tag, "" when absent.
	Tag string
	// Digest is the digest, "" when absent.
	Digest string
}

// parseImage splits an image reference into registry, repository, tag and
// digest following the rules of the Docker reference grammar: the first
// path element is a registry when it has a dot or colon or is localhost.
func parseImage(image string) imageRef {
	var r imageRef
	if i := strings.Index(image, "@"); i >= 0 {
		image, r.Digest = image[:i], image[i+1:]
	}
	if i := strings.LastIndex(image, ":"); i >= 0 && !strings.Contains(image[i:], "/") {
		image, r.Tag = image[:i], image[i+1:]
	}
	first, rest, found := strings.Cut(image, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		r.Registry, r.Repository = first, rest
	} else {
		r.Registry, r.Repository = "docker.io", image
	}
	return r
}
