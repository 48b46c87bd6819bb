package supplychain

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/posture"
)

// ImageMutableTag flags images referenced by latest or no tag.
var ImageMutableTag = posture.Check{
	ID:         "image-latest-tag",
	Title:      "Image with latest or no tag",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9002"},
	Kinds:      posture.PodSpecKinds,
	Description: "Flags containers whose image has no tag or the tag latest and no digest. " +
		"Whatever is pushed under that name next, including a compromised image, runs on the " +
		"next pull.",
	Remediation: "Reference the image by digest (image@sha256:...), or at least by an immutable version tag.",
	Run:         posture.PerContainer(imageMutableTag),
}

func imageMutableTag(c posture.Container) []posture.Violation {
	image := posture.Str(c.Map, "image")
	if image == "" {
		return nil
	}
	ref := parseImage(image)
	if ref.Digest != "" || ref.Tag != "" && ref.Tag != "latest" {
		return nil
	}
	what := "no tag"
	if ref.Tag == "latest" {
		what = "the tag latest"
	}
	return []posture.Violation{{
		Path:    c.At("image"),
		Message: fmt.Sprintf("container %q uses image %s with %s", c.Name, image, what),
	}}
}
