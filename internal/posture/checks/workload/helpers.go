package workload

import (
	"fmt"
	"path"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// securityContext returns the container's securityContext map, or nil.
func securityContext(c posture.Container) map[string]any {
	return posture.Map(c.Map, "securityContext")
}

// podSecurityContext returns the pod's securityContext map, or nil.
func podSecurityContext(p posture.PodTemplate) map[string]any {
	return posture.Map(p.Spec, "securityContext")
}

// effective returns a securityContext field as the container sees it: its
// own value, else the pod's. It also returns the path that set it, or the
// container path where it should be set when neither does.
func effective(c posture.Container, key string) (value any, set bool, path string) {
	if v, ok := securityContext(c)[key]; ok && v != nil {
		return v, true, c.At("securityContext." + key)
	}
	if v, ok := podSecurityContext(c.Pod)[key]; ok && v != nil {
		return v, true, c.Pod.At("securityContext." + key)
	}
	return nil, false, c.At("securityContext." + key)
}

// describe names a container for messages, for example
// `init container "setup"`.
func describe(c posture.Container) string {
	switch c.Field {
	case "initContainers":
		return fmt.Sprintf("init container %q", c.Name)
	case "ephemeralContainers":
		return fmt.Sprintf("ephemeral container %q", c.Name)
	}
	return fmt.Sprintf("container %q", c.Name)
}

// cleanHostPath normalizes a host path for comparison: no trailing slash,
// no "." or ".." elements.
func cleanHostPath(p string) string {
	if p == "" {
		return ""
	}
	return path.Clean("/" + p)
}

// underAny reports whether p is one of the paths or lies below one of them,
// and returns the match.
func underAny(p string, paths []string) (string, bool) {
	p = cleanHostPath(p)
	for _, q := range paths {
		if p == q || strings.HasPrefix(p, strings.TrimSuffix(q, "/")+"/") {
			return q, true
		}
	}
	return "", false
}

// hostPathChecker returns a pod-spec function that flags hostPath volumes
// whose path matches.
func hostPathChecker(match func(hostPath string) (reason string, ok bool)) func(posture.PodTemplate, posture.Index) []posture.Violation {
	return func(p posture.PodTemplate, _ posture.Index) []posture.Violation {
		var out []posture.Violation
		for i, v := range posture.Maps(p.Spec, "volumes") {
			hp, ok := v["hostPath"].(map[string]any)
			if !ok {
				continue
			}
			reason, ok := match(posture.Str(hp, "path"))
			if !ok {
				continue
			}
			out = append(out, posture.Violation{
				Path:    fmt.Sprintf("%s.volumes[%d].hostPath.path", p.SpecPath, i),
				Message: fmt.Sprintf("volume %q mounts host path %s: %s", posture.Str(v, "name"), posture.Str(hp, "path"), reason),
			})
		}
		return out
	}
}
