package exception

import (
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// Annotation keys that carry exceptions on an object.
const (
	// AnnotationIgnore lists check IDs, comma-separated, to skip.
	AnnotationIgnore = "landfall.dev/ignore"
	// AnnotationIgnoreReason says why; an ignore without a reason is not
	// honoured.
	AnnotationIgnoreReason = "landfall.dev/ignore-reason"
)

// Annotation is an exception an object carries in its annotations.
type Annotation struct {
	// Checks are the check IDs listed in the ignore annotation.
	Checks []string
	// Reason is the ignore-reason annotation.
	Reason string
	// Field is where the annotation was found: "metadata.annotations" or
	// the pod template's annotations path.
	Field string
}

// FromObject returns the ignore annotations of obj: on its own metadata and
// on its pod template's metadata (see posture.PodTemplateOf), in that order.
// It returns nil when there are none.
func FromObject(obj *posture.Object) []Annotation {
	var out []Annotation
	if a, ok := fromMap(obj.U.GetAnnotations(), "metadata.annotations"); ok {
		out = append(out, a)
	}
	if pt, ok := posture.PodTemplateOf(obj); ok && pt.MetaPath != "metadata" {
		anns := map[string]string{}
		for k, v := range posture.Map(pt.Meta, "annotations") {
			if s, ok := v.(string); ok {
				anns[k] = s
			}
		}
		if a, ok := fromMap(anns, pt.MetaPath+".annotations"); ok {
			out = append(out, a)
		}
	}
	return out
}

func fromMap(m map[string]string, field string) (Annotation, bool) {
	v, ok := m[AnnotationIgnore]
	if !ok {
		return Annotation{}, false
	}
	a := Annotation{Reason: strings.TrimSpace(m[AnnotationIgnoreReason]), Field: field}
	for id := range strings.SplitSeq(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			a.Checks = append(a.Checks, id)
		}
	}
	return a, true
}
