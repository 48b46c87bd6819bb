package posture

import "strconv"

// PodSpecKinds are the kinds that carry a pod spec, directly (Pod) or in a
// pod template.
var PodSpecKinds = []string{
	"CronJob", "DaemonSet", "Deployment", "Job", "Pod",
	"ReplicaSet", "ReplicationController", "StatefulSet",
}

// podTemplatePaths maps a kind to the field path of its pod template
// metadata and spec.
var podTemplatePaths = map[string][2][]string{
	"Pod":                   {{"metadata"}, {"spec"}},
	"Deployment":            {{"spec", "template", "metadata"}, {"spec", "template", "spec"}},
	"ReplicaSet":            {{"spec", "template", "metadata"}, {"spec", "template", "spec"}},
	"StatefulSet":           {{"spec", "template", "metadata"}, {"spec", "template", "spec"}},
	"DaemonSet":             {{"spec", "template", "metadata"}, {"spec", "template", "spec"}},
	"Job":                   {{"spec", "template", "metadata"}, {"spec", "template", "spec"}},
	"ReplicationController": {{"spec", "template", "metadata"}, {"spec", "template", "spec"}},
	"CronJob": {
		{"spec", "jobTemplate", "spec", "template", "metadata"},
		{"spec", "jobTemplate", "spec", "template", "spec"},
	},
}

// PodTemplate is the pod spec of a workload object and where it lives.
type PodTemplate struct {
	// Object is the workload.
	Object *Object
	// Spec is the pod spec map; read-only.
	Spec map[string]any
	// SpecPath is the field path of Spec, for example "spec.template.spec".
	SpecPath string
	// Meta is the pod metadata map (the object's own metadata for a Pod);
	// nil when absent; read-only.
	Meta map[string]any
	// MetaPath is the field path of Meta, for example
	// "spec.template.metadata".
	MetaPath string
}

// At returns the field path of a field under the pod spec.
func (p PodTemplate) At(sub string) string { return p.SpecPath + "." + sub }

// Annotation returns a pod annotation (template annotations for workloads).
func (p PodTemplate) Annotation(key string) (string, bool) {
	v, ok := Map(p.Meta, "annotations")[key].(string)
	return v, ok
}

// PodTemplateOf returns the pod spec of an object of one of PodSpecKinds. It
// reports false for other kinds and for objects without a pod spec map.
func PodTemplateOf(o *Object) (PodTemplate, bool) {
	paths, ok := podTemplatePaths[o.U.GetKind()]
	if !ok {
		return PodTemplate{}, false
	}
	spec := Map(o.U.Object, paths[1]...)
	if spec == nil {
		return PodTemplate{}, false
	}
	return PodTemplate{
		Object:   o,
		Spec:     spec,
		SpecPath: joinDots(paths[1]),
		Meta:     Map(o.U.Object, paths[0]...),
		MetaPath: joinDots(paths[0]),
	}, true
}

func joinDots(keys []string) string {
	s := keys[0]
	for _, k := range keys[1:] {
		s += "." + k
	}
	return s
}

// ContainerFields are the pod spec fields that hold containers, in the order
// PerContainer visits them.
var ContainerFields = []string{"containers", "initContainers", "ephemeralContainers"}

// Container is one container of a pod spec.
type Container struct {
	// Pod is the pod template the container belongs to.
	Pod PodTemplate
	// Map is the container map; read-only.
	Map map[string]any
	// Field is "containers", "initContainers" or "ephemeralContainers".
	Field string
	// Index is the position in Field.
	Index int
	// Name is the container's name.
	Name string
	// Path is the container's field path, for example
	// "spec.template.spec.containers[1]".
	Path string
}

// At returns the field path of a field under the container, for example
// c.At("securityContext.privileged").
func (c Container) At(sub string) string { return c.Path + "." + sub }

// Containers returns every container, init container and ephemeral
// container of the pod template.
func (p PodTemplate) Containers() []Container {
	var out []Container
	for _, field := range ContainerFields {
		for i, m := range Maps(p.Spec, field) {
			if m == nil {
				continue
			}
			out = append(out, Container{
				Pod:   p,
				Map:   m,
				Field: field,
				Index: i,
				Name:  Str(m, "name"),
				Path:  p.SpecPath + "." + field + "[" + strconv.Itoa(i) + "]",
			})
		}
	}
	return out
}

// podCache holds an object's pod template and containers, computed once.
type podCache struct {
	tmpl       PodTemplate
	ok         bool
	containers []Container
}

// cachedPod returns the object's pod template and containers, computing
// them on first use.
func cachedPod(o *Object) (PodTemplate, []Container, bool) {
	if o.pod == nil {
		c := &podCache{}
		c.tmpl, c.ok = PodTemplateOf(o)
		if c.ok {
			c.containers = c.tmpl.Containers()
		}
		o.pod = c
	}
	return o.pod.tmpl, o.pod.containers, o.pod.ok
}

// PerPodSpec adapts a function over a pod template into a CheckFunc; objects
// without a pod spec yield nothing.
func PerPodSpec(fn func(p PodTemplate, idx Index) []Violation) CheckFunc {
	return func(obj *Object, idx Index) []Violation {
		p, _, ok := cachedPod(obj)
		if !ok {
			return nil
		}
		return fn(p, idx)
	}
}

// PerContainer adapts a function over one container into a CheckFunc that
// visits containers, initContainers and ephemeralContainers.
func PerContainer(fn func(c Container) []Violation) CheckFunc {
	return func(obj *Object, _ Index) []Violation {
		_, containers, ok := cachedPod(obj)
		if !ok {
			return nil
		}
		var out []Violation
		for _, c := range containers {
			out = append(out, fn(c)...)
		}
		return out
	}
}
