package supplychain

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ImageNotPinned flags images referenced by a tag without a digest.
var ImageNotPinned = posture.Check{
	ID:         "image-not-pinned",
	Title:      "Image not pinned by digest",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9002"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers whose image has a version tag but no digest. Tags can be " +
		"moved, so a registry compromise can swap the image under an unchanged manifest. " +
		"Latest and untagged images are reported by image-latest-tag instead.",
	Remediation: "Pin the image by digest (image:tag@sha256:...), and update digests with a bot such as Renovate.",
	Run:         posture.PerContainer(imageNotPinned),
}

func imageNotPinned(c posture.Container) []posture.Violation {
	image := posture.Str(c.Map, "image")
	ref := parseImage(image)
	if image == "" || ref.Digest != "" || ref.Tag == "" || ref.Tag == "latest" {
		return nil
	}
	return []posture.Violation{{
		Path:    c.At("image"),
		Message: fmt.Sprintf("container %q uses image %s by tag %s without a digest", c.Name, image, ref.Tag),
	}}
}
